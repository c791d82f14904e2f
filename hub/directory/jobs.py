"""Periodic jobs of hub.directory, run by the scheduler leader.

None: the resolver's snapshot follows the stored directory by itself (snapshot.py), and the
demo directory is loaded at the first start (hub.runner.prepare) or by `hub directory seed`.
"""

from __future__ import annotations

from hub.container import Hub
from hub.scheduler_types import Job


def jobs(hub: Hub) -> list[Job]:
    return []
