"""Periodic jobs of hub.audit: sign the chain head (at least daily; hourly by default)."""

from __future__ import annotations

from hub.container import Hub
from hub.scheduler_types import Job


def sign_now(hub: Hub) -> None:
    from hub.audit.service import sign_head

    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()


def jobs(hub: Hub) -> list[Job]:
    minutes = min(hub.settings.audit_sign_interval_minutes, 24 * 60)
    return [Job("audit.sign_head", lambda: sign_now(hub), args={"minutes": minutes})]
