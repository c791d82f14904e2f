"""Periodic jobs of hub.reports: issue last month's report on the first working day."""

from __future__ import annotations

from hub import log
from hub.container import Hub
from hub.scheduler_types import Job
from hub.workdays import shanghai_today


def issue_monthly(hub: Hub) -> None:
    from .issue import issue_due

    row = issue_due(hub, shanghai_today())
    if row is not None:
        log.event("hub.reports.issued", period=row.period, version=row.version,
                  sha256=row.json_sha256)


def jobs(hub: Hub) -> list[Job]:
    # Hourly: a scheduler that was down at 08:00 on the first working day still issues it.
    return [Job("reports.issue_monthly", lambda: issue_monthly(hub), trigger="cron",
                args={"minute": 5})]
