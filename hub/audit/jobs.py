"""Periodic jobs of hub.audit: sign the chain head soon after each append, and on shutdown.

The job looks every `audit_sign_seconds` (30 by default) and signs only when something was
appended since the last head, so the newest entries are vouched for within a minute. It runs
in the scheduler that holds the leader lock, and signing is serialized in the database, so a
head is signed once however many schedulers or stopping processes try.
"""

from __future__ import annotations

from hub import log
from hub.container import Hub
from hub.scheduler_types import Job


def sign_now(hub: Hub) -> None:
    from hub.audit.service import sign_head

    with hub.uow() as uow:
        head = sign_head(uow.session, hub.signing_key)
        uow.commit()
    if head is not None:
        log.event("hub.audit.head_signed", seq=head.seq)


def sign_at_shutdown(hub: Hub) -> None:
    """What a stopping process (API, worker, scheduler) does last: sign what it appended.
    Never raises: a database already gone must not turn a clean stop into a crash."""
    try:
        sign_now(hub)
    except Exception as exc:
        log.warning("hub.audit.sign_at_shutdown_failed", error=repr(exc))


def jobs(hub: Hub) -> list[Job]:
    seconds = max(1, min(hub.settings.audit_sign_seconds, 60))
    return [Job("audit.sign_head", lambda: sign_now(hub), args={"seconds": seconds})]
