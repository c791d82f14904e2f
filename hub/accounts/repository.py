"""SQL for office users and their web sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from hub.accounts.models import OfficeUser, WebSession


def user_by_name(session: Session, username: str) -> OfficeUser | None:
    return session.scalar(select(OfficeUser).where(OfficeUser.username == username))


def user_by_id(session: Session, user_id: int) -> OfficeUser | None:
    return session.get(OfficeUser, user_id)


def users(session: Session) -> list[OfficeUser]:
    return list(session.scalars(select(OfficeUser)))


def active_user_ids(session: Session, role: str) -> list[int]:
    return list(session.scalars(select(OfficeUser.id).where(OfficeUser.active.is_(True),
                                                            OfficeUser.role == role)))


def session_with_user(session: Session, session_id: str) -> Row | None:
    """(WebSession, OfficeUser) of a web session, whatever its state."""
    return session.execute(
        select(WebSession, OfficeUser).join(OfficeUser, OfficeUser.id == WebSession.user_id)
        .where(WebSession.id == session_id)
    ).first()


def revoke(session: Session, session_id: str, now: datetime) -> None:
    session.execute(update(WebSession).where(WebSession.id == session_id).values(revoked_at=now))


def revoke_all(session: Session, user_id: int, now: datetime) -> int:
    """End every open session of a user; how many were open."""
    return session.execute(
        update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
