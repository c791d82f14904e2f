"""Periodic jobs of hub.archive: write pending archive files; clear expired ones daily."""

from __future__ import annotations

from hub import log
from hub.container import Hub
from hub.db.types import utcnow
from hub.scheduler_types import Job
from hub.workdays import shanghai_today


def build(hub: Hub) -> int:
    from hub.archive.service import build_all

    made = build_all(hub)
    if made:
        log.event("hub.archive.filed", files=made)
    return made


def destroy(hub: Hub) -> int:
    from hub.archive.service import destroy_expired

    with hub.uow() as uow:
        made = destroy_expired(uow.session, shanghai_today(), utcnow())
        uow.commit()
    if made:
        log.event("hub.archive.destroyed", files=made)
    return made


def jobs(hub: Hub) -> list[Job]:
    return [Job("archive_build", lambda: build(hub), args={"seconds": 30}),
            Job("archive_destroy", lambda: destroy(hub), args={"hours": 24})]
