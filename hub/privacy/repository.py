"""SQL for personal data: identity requests, legal holds, a reporter's earlier clues.
(Retention's purge keeps its own statements in `retention.py`.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.privacy.models import LegalHold, RevealRequest


def clue(session: Session, clue_id: int) -> Clue | None:
    return session.get(Clue, clue_id)


def clues_by_id(session: Session, ids: Iterable[int]) -> dict[int, Clue]:
    return {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(list(ids))))}


def request_for_update(session: Session, request_id: int) -> RevealRequest | None:
    return session.get(RevealRequest, request_id, with_for_update=True)


def approval_of(session: Session, user_id: int, clue_id: int,
                now: datetime) -> RevealRequest | None:
    """The requester's approval in force for this clue, if any."""
    return session.scalar(
        select(RevealRequest).where(
            RevealRequest.clue_id == clue_id, RevealRequest.requested_by == user_id,
            RevealRequest.state == "approved", RevealRequest.expires_at > now)
        .order_by(RevealRequest.decided_at.desc()).limit(1))


def pending_requests(session: Session) -> list[RevealRequest]:
    return list(session.scalars(select(RevealRequest).where(RevealRequest.state == "pending")
                                .order_by(RevealRequest.requested_at)))


def recent_decided(session: Session, limit: int = 20) -> list[RevealRequest]:
    return list(session.scalars(select(RevealRequest).where(RevealRequest.state != "pending")
                                .order_by(RevealRequest.decided_at.desc()).limit(limit)))


def requests_for(session: Session, clue_id: int, user_id: int) -> list[RevealRequest]:
    return list(session.scalars(select(RevealRequest).where(
        RevealRequest.clue_id == clue_id, RevealRequest.requested_by == user_id)
        .order_by(RevealRequest.requested_at.desc())))


def same_reporter_before(session: Session, of: Clue) -> list[Clue]:
    """Clues received before `of` whose reporter has the same phone or ID number, matched on
    blind indexes only (newest first)."""
    keys = []
    if of.reporter_phone_index:
        keys.append(Clue.reporter_phone_index == of.reporter_phone_index)
    if of.reporter_id_index:
        keys.append(Clue.reporter_id_index == of.reporter_id_index)
    if not keys:
        return []
    return list(session.scalars(
        select(Clue).where(or_(*keys), Clue.id != of.id, Clue.received_at <= of.received_at)
        .order_by(Clue.received_at.desc(), Clue.id.desc())))


def active_hold(session: Session, clue_id: int) -> LegalHold | None:
    return session.scalar(select(LegalHold).where(LegalHold.clue_id == clue_id,
                                                  LegalHold.released_at.is_(None)).limit(1))
