"""Agencies' webhook URLs, and the outbox: one delivery row per hand-off event to push.

Readers fill it, each past its own cursor: hand-off events (`handoff.*`, to the receiver),
clue events (成果共享: `clue.updated` to the agency that sent the clue), and hub.collect's
write-back (`ticket.reply`: the verified outcome posted onto a pulled partner record, at
`target_url`; hub/collect/writeback.py). All are signed, retried and listed when failed
alike (hub.notify.dispatch).

The outbox is filled by reading `handoff_events` past a saved cursor, so nothing depends on a
message arriving: an event committed is an event delivered, sooner or later. Event ids are
not committed in id order on PostgreSQL (a transaction may commit after a later one), so the
cursor only moves past events older than `SETTLE_SECONDS`; younger ones are read again, and
the unique `event_key` makes a second read harmless.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from sqlalchemy.orm import Session

from hub.db.models import Agency, Clue, ClueEvent
from hub.errors import FieldError, InvalidInput, NotFound
from hub.handoffs.models import Handoff, HandoffEvent
from hub.notify import repository
from hub.notify.models import AgencyWebhook, OutboxCursor, WebhookDelivery
from hub.notify.present import handoff_payload

CURSOR = "handoff_events"
CLUE_CURSOR = "clue_events"
SETTLE_SECONDS = 120.0
SCAN_LIMIT = 1000
EVENTS = {"create": "handoff.created", "remind": "handoff.reminder",
          "escalate": "handoff.escalated"}


def event_name(action: str) -> str:
    return EVENTS.get(action, "handoff.updated")


def check_url(url: str) -> str:
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput([FieldError(["url"], "回调地址应为 http:// 或 https:// 开头的完整网址")])
    if len(url) > 500:
        raise InvalidInput([FieldError(["url"], "回调地址不能超过 500 个字符")])
    return url.strip()


def set_webhook(session: Session, agency_id: int, url: str | None, now: datetime) -> None:
    """Register (or with None remove) the agency's webhook URL."""
    if session.get(Agency, agency_id) is None:
        raise NotFound(f"没有编号为 {agency_id} 的协作单位")
    found = session.get(AgencyWebhook, agency_id)
    if url is None:
        if found is not None:
            session.delete(found)
        return
    url = check_url(url)
    if found is None:
        session.add(AgencyWebhook(agency_id=agency_id, url=url, created_at=now, updated_at=now))
    else:
        found.url, found.updated_at = url, now


def webhook_urls(session: Session) -> dict[int, str]:
    return repository.webhook_urls(session)


def outbox_cursor(session: Session, now: datetime, name: str = CURSOR) -> OutboxCursor:
    """The cursor row, locked: its first statement writes, so on SQLite this transaction holds
    the write lock from the start, and on PostgreSQL other readers wait for the row."""
    return repository.lock_cursor(session, name, now)


def events_waiting(session: Session) -> bool:
    """Whether any hand-off or clue event lies past its cursor (a read: the idle tick writes
    nothing)."""
    positions = repository.cursor_positions(session, [CURSOR, CLUE_CURSOR])
    for name, newest_id in ((CURSOR, repository.newest_handoff_event_id),
                            (CLUE_CURSOR, repository.newest_clue_event_id)):
        newest = newest_id(session)
        if newest is not None and newest > (positions.get(name) or 0):
            return True
    return False


def fill_outbox(session: Session, now: datetime) -> int:
    """Create the deliveries of new hand-off events, then of new clue events."""
    return _fill_handoff_events(session, now) + _fill_clue_events(session, now)


def _fill_handoff_events(session: Session, now: datetime) -> int:
    """A delivery for each new event of a hand-off whose agency has a webhook."""
    def pick(rows: list) -> list[tuple[str, Any, Any]]:
        urls = webhook_urls(session)
        owed = [event_id for event_id, _, actor, agency_id in rows
                if _wanted(actor, agency_id, urls)]
        return [(f"handoff_event:{event.id}", event, handoff)
                for event, handoff in repository.handoff_events_of(session, owed)]

    return fill_past_cursor(session, now, CURSOR, repository.handoff_event_marks, pick,
                            _delivery)


def fill_past_cursor(session: Session, now: datetime, name: str,
                     read: Callable[[Session, int, int], list],
                     pick: Callable[[list], list[tuple[str, Any, Any]]],
                     make: Callable[[Session, str, Any, Any, datetime], WebhookDelivery | None],
                     ) -> int:
    """One outbox reader's pass past its cursor `name`: `read` the events after it as narrow
    rows (event id and time first in each), `pick` among them the (event key, event,
    subject) owed a delivery, loading only those whole, `make` each delivery not made before
    (None: none after all), and settle the cursor past every event read, owed or not. Every
    reader of the outbox (hand-off events, clue events, hub.collect's write-back) goes
    through here."""
    cursor = outbox_cursor(session, now, name)
    rows = read(session, cursor.position, SCAN_LIMIT)
    if not rows:
        return 0
    wanted = pick(rows)
    known = repository.known_event_keys(session, [key for key, _, _ in wanted])
    made = 0
    for key, event, subject in wanted:
        if key in known:
            continue
        known.add(key)
        delivery = make(session, key, event, subject, now)
        if delivery is not None:
            session.add(delivery)
            made += 1
    settle(cursor, rows, now)
    return made


def _wanted(actor: str, agency_id: int, urls: dict[int, str]) -> bool:
    # The receiver's own actions are not echoed back to it.
    return agency_id in urls and actor != f"agency:{agency_id}"


def _delivery(session: Session, key: str, event: HandoffEvent, handoff: Handoff,
              now: datetime) -> WebhookDelivery:
    delivery_id = str(uuid.uuid4())
    name = event_name(event.action)
    payload = {
        "delivery_id": delivery_id, "event": name, "action": event.action,
        "occurred_at": event.at.isoformat(), "detail": _public_detail(event),
        "handoff": handoff_payload(session, handoff),
    }
    return WebhookDelivery(delivery_id=delivery_id, event_key=key, agency_id=handoff.agency_id,
                           handoff_id=handoff.id, event=name, payload=payload, state="pending",
                           attempts=0, created_at=now, next_attempt_at=now)


def _public_detail(event: HandoffEvent) -> dict:
    allowed = ("deadline", "reminder", "deadline_on", "on_date", "overdue_days", "reason", "note",
               "reply_due_on", "due_on")
    return {k: v for k, v in (event.detail or {}).items() if k in allowed}


# Clue events the sender hears of (the rest — notes, reveals, holds — are the office's own).
SHARED_HANDOFF_ACTIONS = frozenset({"create", "acknowledge", "reply_final", "return", "send_back",
                                    "verify", "close", "resend", "reopen", "cancel"})


def shared_action(action: str) -> bool:
    kind, _, step = action.partition(".")
    return (kind == "decision" or action in ("closed", "reopened")
            or (kind == "handoff" and step in SHARED_HANDOFF_ACTIONS))


def _fill_clue_events(session: Session, now: datetime) -> int:
    """`clue.updated` to the clue's sender, when it has a webhook."""
    def pick(rows: list) -> list[tuple[str, Any, Any]]:
        shared = [event_id for event_id, _, action, _, _ in rows if shared_action(action)]
        urls = webhook_urls(session) if shared else {}
        return [(f"clue_event:{event.id}", event, clue)
                for event, clue in repository.clue_events_of(session, shared, urls)
                if event.actor != f"agency:{clue.agency_id}"]

    return fill_past_cursor(session, now, CLUE_CURSOR, repository.clue_event_marks, pick,
                            _clue_delivery)


def settle(cursor: OutboxCursor, rows: list, now: datetime) -> None:
    """Move the cursor past the events of `rows` (event id and time first in each) old
    enough to be sure no earlier id commits later."""
    settled = now - timedelta(seconds=SETTLE_SECONDS)
    position = cursor.position
    for event_id, at, *_ in rows:
        if at > settled:
            break
        position = event_id
    cursor.position, cursor.updated_at = position, now


def _clue_delivery(session: Session, key: str, event: ClueEvent, clue: Clue,
                   now: datetime) -> WebhookDelivery:
    from hub.notify.sharing import shared_clue

    delivery_id = str(uuid.uuid4())
    payload = {"delivery_id": delivery_id, "event": "clue.updated", "action": event.action,
               "occurred_at": event.at.isoformat(), "clue": shared_clue(session, clue)}
    return WebhookDelivery(delivery_id=delivery_id, event_key=key, agency_id=clue.agency_id,
                           handoff_id=None, event="clue.updated", payload=payload,
                           state="pending", attempts=0, created_at=now, next_attempt_at=now)


def delivery_subject(payload: dict) -> str | None:
    """What a delivery is about, for lists: the hand-off, the clue, or the replied record."""
    for key in ("handoff", "clue"):
        if isinstance(payload.get(key), dict):
            return payload[key].get("id")
    return payload.get("平台线索编号")


def check_email(email: str) -> str:
    email = email.strip()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 254:
        raise InvalidInput([FieldError(["email"], "电子邮箱地址格式不正确")])
    return email


def purge_delivered(session: Session, delivered_before: datetime) -> int:
    """Delete deliveries delivered before the cutoff, with their attempts; failed and pending
    ones stay. Returns how many deliveries went."""
    return repository.purge_delivered(session, delivered_before)
