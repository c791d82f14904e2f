"""SQL for personal data: identity requests, legal holds, a reporter's earlier clues.
(Retention's purge keeps its own statements in `retention.py`.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, exists, func, or_, select, update
from sqlalchemy.orm import Session

from hub.db.models import Clue, RawRecord
from hub.handoffs.models import Handoff, HandoffReplyPerson
from hub.privacy.models import LegalHold, RevealRequest


def clue(session: Session, clue_id: int) -> Clue | None:
    return session.get(Clue, clue_id)


def clues_by_id(session: Session, ids: Iterable[int]) -> dict[int, Clue]:
    return {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(list(ids))))}


def request_for_update(session: Session, request_id: int) -> RevealRequest | None:
    return session.get(RevealRequest, request_id, with_for_update=True)


def approval_of(session: Session, user_id: int, clue_id: int, now: datetime,
                subject: str = "reporter") -> RevealRequest | None:
    """The requester's approval in force for this clue and subject, if any."""
    return session.scalar(
        select(RevealRequest).where(
            RevealRequest.clue_id == clue_id, RevealRequest.requested_by == user_id,
            RevealRequest.subject == subject,
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


# Retention (retention.py)

def _held():  # noqa: ANN202
    return select(LegalHold.clue_id).where(LegalHold.released_at.is_(None))


def retention_due(session: Session, channel: str, cutoff: datetime, after: int,
                  limit: int) -> list[Clue]:
    """The channel's clues past the cutoff (ids after `after`), not held, with anything left
    to purge: a reporter, its blind indexes, an unpurged raw record, a hand-off's copy, the
    name of a person an outcome names."""
    unpurged_raw = select(RawRecord.id).where(RawRecord.purged_at.is_(None))
    carried = select(Handoff.clue_id).where(Handoff.reporter_enc.is_not(None))
    named = (select(Handoff.clue_id)
             .join(HandoffReplyPerson, HandoffReplyPerson.handoff_id == Handoff.id)
             .where(HandoffReplyPerson.name_enc.is_not(None)))
    return list(session.scalars(
        select(Clue).where(
            Clue.channel == channel, Clue.received_at < cutoff, Clue.id > after,
            Clue.id.not_in(_held()),
            or_(Clue.reporter_enc.is_not(None), Clue.reporter_phone_index.is_not(None),
                Clue.reporter_id_index.is_not(None), Clue.raw_record_id.in_(unpurged_raw),
                Clue.id.in_(carried), Clue.id.in_(named)))
        .order_by(Clue.id).limit(limit)))


def forget_carried_reporters(session: Session, clue_id: int) -> int:
    """Clear the reporter copies the clue's hand-offs carried; how many there were."""
    return session.execute(update(Handoff).where(Handoff.clue_id == clue_id,
                                                 Handoff.reporter_enc.is_not(None))
                           .values(reporter_enc=None)).rowcount


def clues_of_raw(session: Session, raw_id: int) -> list[Row[Any]]:
    """(id, channel, received_at) of every clue a raw record became."""
    return list(session.execute(select(Clue.id, Clue.channel, Clue.received_at)
                                .where(Clue.raw_record_id == raw_id)).all())


def held_among(session: Session, clue_ids: list[int]) -> set[int]:
    return set(session.scalars(_held().where(LegalHold.clue_id.in_(clue_ids))))


def orphan_raw_records(session: Session, cutoff: datetime) -> list[RawRecord]:
    """Unpurged raw records received before the cutoff that never became a clue."""
    return list(session.scalars(select(RawRecord).where(
        RawRecord.purged_at.is_(None), RawRecord.received_at < cutoff,
        ~exists().where(Clue.raw_record_id == RawRecord.id))))


def held_clues_received(session: Session) -> list[tuple[str, datetime]]:
    """(channel, received_at) of every clue under a legal hold."""
    return [(channel, received) for channel, received in session.execute(
        select(Clue.channel, Clue.received_at).where(Clue.id.in_(_held())))]


def persons_of_clue(session: Session, clue_id: int) -> list[tuple[HandoffReplyPerson, str]]:
    """The persons every reply of the clue's hand-offs names, with the hand-off's number."""
    return [(p, number) for p, number in session.execute(
        select(HandoffReplyPerson, Handoff.number)
        .join(Handoff, Handoff.id == HandoffReplyPerson.handoff_id)
        .where(Handoff.clue_id == clue_id)
        .order_by(HandoffReplyPerson.reply_id, HandoffReplyPerson.position))]


def named_persons(session: Session, clue_id: int) -> int:
    """How many of the clue's persons still have their name (not erased by retention)."""
    return session.scalar(
        select(func.count()).select_from(HandoffReplyPerson)
        .join(Handoff, Handoff.id == HandoffReplyPerson.handoff_id)
        .where(Handoff.clue_id == clue_id, HandoffReplyPerson.name_enc.is_not(None))) or 0


def erase_person_names(session: Session, clue_id: int) -> int:
    """Retention: the names the clue's outcomes carry are erased (the masked form stays)."""
    ids = select(Handoff.id).where(Handoff.clue_id == clue_id)
    return session.execute(update(HandoffReplyPerson).where(
        HandoffReplyPerson.handoff_id.in_(ids), HandoffReplyPerson.name_enc.is_not(None))
        .values(name_enc=None)).rowcount
