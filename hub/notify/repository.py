"""SQL of outcome sharing: a sending agency's clues by change (keyset paging), what the
sender may see of one clue (its decisions, hand-offs, the verified outcome), and what the
outbox reads to share it (clue events past a cursor, the verified reply)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from hub.db.models import Clue, ClueEvent
from hub.errors import FieldError, InvalidInput
from hub.handoffs.models import Handoff, HandoffEvent, HandoffReply
from hub.review.models import Decision


@dataclass(frozen=True)
class CluePage:
    clues: list[Clue]
    next_cursor: str | None


def sent_clues(session: Session, agency_id: int, *, updated_since: datetime | None = None,
               cursor: str | None = None, limit: int = 50) -> CluePage:
    """The agency's own clues in (updated_at, id) order; the cursor is opaque to callers."""
    query = select(Clue).where(Clue.agency_id == agency_id)
    if updated_since is not None:
        query = query.where(Clue.updated_at >= updated_since)
    if cursor:
        at, last_id = decode_cursor(cursor)
        query = query.where(tuple_(Clue.updated_at, Clue.id) > tuple_(at, last_id))
    rows = list(session.scalars(query.order_by(Clue.updated_at, Clue.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return CluePage(rows, encode_cursor(rows[-1]) if more and rows else None)


def encode_cursor(clue: Clue) -> str:
    key = [clue.updated_at.isoformat(), clue.id]
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, last_id = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), int(last_id)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise InvalidInput([FieldError(["query", "cursor"],
                                       "翻页游标（cursor）无效，请使用上一页返回的 next_cursor")]) from None


def last_decision(session: Session, clue_id: int) -> Decision | None:
    return session.scalar(select(Decision).where(Decision.clue_id == clue_id)
                          .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(1))


def handoffs_of(session: Session, clue_id: int) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.clue_id == clue_id)
                                .order_by(Handoff.id)))


def verified_reply(session: Session, handoffs: list[Handoff]
                   ) -> tuple[Handoff, HandoffReply, HandoffEvent] | None:
    """The outcome the office verified last on a lead hand-off still verified or closed
    (a reopened one's outcome no longer stands)."""
    leads = {h.id: h for h in handoffs if h.role == "lead" and h.state in ("verified", "closed")}
    if not leads:
        return None
    events = session.scalars(select(HandoffEvent).where(
        HandoffEvent.handoff_id.in_(leads), HandoffEvent.action == "verify")
        .order_by(HandoffEvent.at.desc(), HandoffEvent.id.desc()))
    for event in events:
        reply_id = (event.detail or {}).get("reply_id")
        reply = session.get(HandoffReply, reply_id) if reply_id else None
        if reply is not None and reply.outcome:
            return leads[event.handoff_id], reply, event
    return None


def clue_events_after(session: Session, position: int, limit: int) -> list[tuple[ClueEvent, Clue]]:
    return list(session.execute(
        select(ClueEvent, Clue).join(Clue, Clue.id == ClueEvent.clue_id)
        .where(ClueEvent.id > position).order_by(ClueEvent.id).limit(limit)).tuples())


def known_event_keys(session: Session, keys: list[str]) -> set[str]:
    from hub.notify.models import WebhookDelivery

    if not keys:
        return set()
    return set(session.scalars(select(WebhookDelivery.event_key)
                               .where(WebhookDelivery.event_key.in_(keys))))


def handoff_and_reply(session: Session, number: str | None, reply_id: int
                      ) -> tuple[Handoff | None, HandoffReply | None]:
    handoff = session.scalar(select(Handoff).where(Handoff.number == number)) if number else None
    return handoff, session.get(HandoffReply, reply_id)


def clue_events_waiting(session: Session, cursor_name: str) -> bool:
    """Whether a clue event lies past the named outbox cursor (a read)."""
    from sqlalchemy import func

    from hub.notify.models import OutboxCursor

    position = session.scalar(select(OutboxCursor.position)
                              .where(OutboxCursor.name == cursor_name))
    newest = session.scalar(select(func.max(ClueEvent.id)))
    return newest is not None and newest > (position or 0)
