"""Notifications to office users: stored for the pages, and mailed when SMTP is set."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hub.handoffs.models import Handoff
from hub.notify import repository
from hub.notify.models import Notification, NotifyContact
from hub.notify.webhooks import check_email


def recipients(session: Session, handoff: Handoff, *, escalate: bool,
               leader: bool = False) -> list[int]:
    """Escalations go to the section heads, the ladder's second step (领导介入) to the leaders;
    reminders to whoever sent the hand-off (or, when nobody did, to the reviewers)."""
    if leader:
        return repository.active_users_with_role(session, "leader")
    if escalate:
        return repository.active_users_with_role(session, "section_head")
    if handoff.created_by is not None:
        return [handoff.created_by]
    return repository.active_users_with_role(session, "reviewer")


def notify(session: Session, user_ids: list[int], *, kind: str, title: str, body: str,
           handoff_id: int | None, now: datetime, link: str | None = None) -> None:
    if link is None and handoff_id is not None:
        number = repository.handoff_number(session, handoff_id)
        link = f"/office/handoffs/{number}"
    for user_id in dict.fromkeys(user_ids):
        session.add(Notification(user_id=user_id, kind=kind, title=title, body=body, link=link,
                                 handoff_id=handoff_id, created_at=now, emailed=False))


def unread_count(session: Session, user_id: int) -> int:
    return repository.unread_count(session, user_id)


def list_for(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    return repository.notifications_of(session, user_id, limit)


def mark_read(session: Session, user_id: int, now: datetime, ids: list[int] | None = None) -> int:
    return repository.mark_read(session, user_id, now, ids)


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
