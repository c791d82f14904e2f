"""Periodic job of hub.followups: tell owners of the follow-up checks due today, once."""

from __future__ import annotations

from hub import log
from hub.container import Hub
from hub.db.types import utcnow
from hub.scheduler_types import Job


def notify_due(hub: Hub) -> int:
    from hub.followups import service
    from hub.notify.jobs import office_today

    with hub.uow() as uow:
        told = service.notify_due(uow.session, office_today(hub), utcnow())
        uow.commit()
    if told:
        log.event("hub.followups.due_notified", followups=told)
    return told


def jobs(hub: Hub) -> list[Job]:
    return [Job("followups_due", lambda: notify_due(hub),
                args={"seconds": hub.settings.reminders_interval_seconds})]
