"""The sweeper: what the queue lost or a dead worker left behind is published again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from hub import log
from hub.container import Hub
from hub.db.types import utcnow
from hub.pipeline import tasks


def purge_old(hub: Hub, purge: Callable[[Session, datetime], int], event: str,
              days: float | None = None) -> int:
    """Housekeeping: `purge(session, cutoff)` deletes what is older than `days` (by default
    the retention period HUB_HOUSEKEEPING_RETENTION_DAYS); returns how many rows went."""
    days = hub.settings.housekeeping_retention_days if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    with hub.uow(durable=False) as uow:
        purged = purge(uow.session, cutoff)
        uow.commit()
    if purged:
        log.event(event, rows=purged)
    return purged


def purge_done_tasks(hub: Hub) -> int:
    return purge_old(hub, tasks.purge_done, "hub.sweeper.tasks_purged")


def sweep(hub: Hub) -> dict[str, int]:
    settings = hub.settings
    now = utcnow()
    with hub.uow(durable=False) as uow:
        released = tasks.release_stuck(uow.session, now, settings.task_stuck_seconds)
        due = tasks.due_for_publish(uow.session, now, settings.task_unclaimed_seconds)
        for stage, ids in due.items():
            uow.wake(stage, ids)
        uow.commit()
    republished = sum(len(ids) for ids in due.values())
    if released or republished:
        log.event("hub.sweeper.swept", released=released, republished=republished)
    return {"released": released, "republished": republished}
