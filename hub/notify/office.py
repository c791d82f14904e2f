"""Notifications to office users: stored for the pages, and mailed when SMTP is set."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.accounts.models import OfficeUser
from hub.handoffs.models import Handoff
from hub.notify.models import Notification, NotifyContact
from hub.notify.webhooks import check_email


def recipients(session: Session, handoff: Handoff, *, escalate: bool,
               leader: bool = False) -> list[int]:
    """Escalations go to the section heads, the ladder's second step (领导介入) to the leaders;
    reminders to whoever sent the hand-off (or, when nobody did, to the reviewers)."""
    active = select(OfficeUser.id).where(OfficeUser.active.is_(True))
    if leader:
        return list(session.scalars(active.where(OfficeUser.role == "leader")))
    if escalate:
        return list(session.scalars(active.where(OfficeUser.role == "section_head")))
    if handoff.created_by is not None:
        return [handoff.created_by]
    return list(session.scalars(active.where(OfficeUser.role == "reviewer")))


def notify(session: Session, user_ids: list[int], *, kind: str, title: str, body: str,
           handoff_id: int | None, now: datetime, link: str | None = None) -> None:
    if link is None and handoff_id is not None:
        number = session.scalar(select(Handoff.number).where(Handoff.id == handoff_id))
        link = f"/office/handoffs/{number}"
    for user_id in dict.fromkeys(user_ids):
        session.add(Notification(user_id=user_id, kind=kind, title=title, body=body, link=link,
                                 handoff_id=handoff_id, created_at=now, emailed=False))


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def list_for(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int, now: datetime, ids: list[int] | None = None) -> int:
    query = update(Notification).where(Notification.user_id == user_id,
                                       Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    return session.execute(query.values(read_at=now)).rowcount


def set_email(session: Session, user_id: int, email: str | None) -> None:
    found = session.get(NotifyContact, user_id)
    if email is None:
        if found is not None:
            session.delete(found)
        return
    email = check_email(email)
    if found is None:
        session.add(NotifyContact(user_id=user_id, email=email))
    else:
        found.email = email
