"""Periodic jobs of hub.directory, run by the scheduler leader."""

from __future__ import annotations

from hub.container import Hub
from hub.scheduler_types import Job


def jobs(hub: Hub) -> list[Job]:
    return []
