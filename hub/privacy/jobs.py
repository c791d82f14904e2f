"""Periodic jobs of hub.privacy: retention (daily at 02:30 office time)."""

from __future__ import annotations

from hub.container import Hub
from hub.scheduler_types import Job


def jobs(hub: Hub) -> list[Job]:
    from hub.privacy.retention import run_retention

    return [Job("privacy.retention", lambda: run_retention(hub), trigger="cron",
                args={"hour": 2, "minute": 30})]
