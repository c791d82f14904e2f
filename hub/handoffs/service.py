"""Hand-offs: creating them from a decision, and the ONE function that applies every action.

    create_handoffs(session, clue=…, kind="assign", receivers=[lead, *co], …) -> [Handoff]
    apply(session, handoff, "verify", actor="user:li", via="page", now=…, reply_id=3)

`apply` checks the transition table (`states.next_state`, 409 naming the current state),
sets the timestamps, bumps `version` and `updated_at`, writes a `HandoffEvent` and a
`ClueEvent`, keeps the clue's status in step (办结 when all its hand-offs are done), and calls
the listeners registered with `add_listener` (webhooks, reminders) in the same transaction.
Services never commit; the caller's unit of work does.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub import audit
from hub.db.guards import check_editable
from hub.db.models import Clue, ClueEvent
from hub.db.types import utcnow
from hub.errors import FieldError, InvalidInput
from hub.intake.service import reporter_aad
from hub.security.crypto import Cipher
from hub.settings import get_settings
from hub.workdays import WorkCalendar, shanghai_today

from . import deadlines, repository
from .kinds import HANDOFF_KINDS, KINDS
from .models import Handoff, HandoffEvent
from .numbers import handoff_no
from .receivers import Receiver
from .states import LABELS, next_state

# A verified final reply with one of these outcomes closes the hand-off at once (销号);
# others (case_opened, partially_rectified, cannot_rectify, other) wait for the office.
CLOSING_OUTCOMES = frozenset({"rectified", "resolved", "no_case", "accountability", "sanction",
                              "org_handling"})
_TIMESTAMPS = {"acknowledge": "acknowledged_at", "reply_final": "replied_at",
               "verify": "verified_at", "close": "closed_at", "resend": "sent_at"}

Listener = Callable[[Session, Handoff, HandoffEvent], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    """Call `listener(session, handoff, event)` after every created hand-off and applied
    action, in the same transaction (before commit): e.g. an outbox row for a webhook.
    Register once, at import of the listening module."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


# What an action is, in the words of the refusal when the matter may no longer change.
ACTION_WHAT = {"reopen": "重新打开移交", "reply_progress": "登记反馈", "reply_final": "登记反馈",
               "verify": "验收", "close": "办结", "send_back": "退回重办", "resend": "重新移交",
               "cancel": "撤销移交", "remind": "催办", "escalate": "督办",
               "acknowledge": "签收移交", "return": "退回移交"}


def reporter_handoff_aad(handoff_id: int) -> bytes:
    return f"handoff-reporter:{handoff_id}".encode()


def create_handoffs(session: Session, *, clue: Clue, kind: str, receivers: list[Receiver],
                    calendar: WorkCalendar, actor: str, via: str, cipher: Cipher | None = None,
                    instructions: str | None = None, reply_days: int = 0,
                    complete_days: int = 0, reply_due_on: date | None = None,
                    due_on: date | None = None, share_reporter: bool = False,
                    decision_id: int | None = None, created_by: int | None = None,
                    now: datetime | None = None,
                    origin: dict[str, Any] | None = None) -> list[Handoff]:
    """One hand-off per receiver: the first is the lead (主办), the others co-handlers (协办).
    `origin` says where the hand-off came from when not from a review decision (the joint
    meeting's decision: {"source": "2026年10月联席会议议定事项第一项", "meeting": 3, …}); it
    goes into the creation's history."""
    if kind not in HANDOFF_KINDS:
        raise InvalidInput([FieldError(["kind"], f"移交类型应为以下之一：{'、'.join(HANDOFF_KINDS)}")])
    if not receivers:
        raise InvalidInput([FieldError(["target"], "至少需要一个对象单位")])
    check_editable(session, clue.id, "移交")
    names = [r.name for r in receivers]
    if len(set(names)) != len(names):
        raise InvalidInput([FieldError(["co_handlers"], "主办单位与协办单位不能重复")])
    now = now or utcnow()
    sent_on = shanghai_today(now)
    for field, day in (("reply_due_on", reply_due_on), ("due_on", due_on)):
        if day is not None and day <= sent_on:
            raise InvalidInput([FieldError([field], f"期限 {day.isoformat()} 应晚于移交当天")])
    due = deadlines.compute(calendar, sent_on, reply_days=reply_days, complete_days=complete_days,
                            reply_due_on=reply_due_on, due_on=due_on)
    reporter = _reporter_plain(cipher, clue) if share_reporter else None
    made: list[Handoff] = []
    for index, receiver in enumerate(receivers):
        handoff = Handoff(
            number=f"tmp-{secrets.token_hex(8)}", clue_id=clue.id, decision_id=decision_id,
            kind=kind, role="lead" if index == 0 else "co",
            lead_id=made[0].id if made else None, agency_id=receiver.agency_id,
            body_id=receiver.body_id, receiver_name=receiver.name, state="sent",
            instructions=instructions, reply_due_on=due.reply_due_on, due_on=due.due_on,
            deadline_warning=due.warning, created_by=created_by, created_at=now, updated_at=now,
            sent_at=now, version=1)
        session.add(handoff)
        session.flush()
        handoff.number = handoff_no(handoff.id, now)
        if reporter is not None and receiver.agency_id is not None:
            handoff.reporter_enc = cipher.encrypt(reporter, reporter_handoff_aad(handoff.id))
        event = _record(session, handoff, "create", None, "sent", actor, via, now, {
            "kind": kind, "role": handoff.role, "receiver": receiver.name,
            "reply_due_on": _iso(due.reply_due_on), "due_on": _iso(due.due_on),
            "reporter_shared": handoff.reporter_enc is not None, **(origin or {})})
        made.append(handoff)
        _notify(session, handoff, event)
    session.flush()
    return made


def _reporter_plain(cipher: Cipher | None, clue: Clue) -> bytes | None:
    if clue.reporter_enc is None:
        return None
    if cipher is None:
        raise ValueError("sharing the reporter's data needs the cipher")
    data = orjson.loads(cipher.decrypt(clue.reporter_enc, reporter_aad(clue.agency_id,
                                                                          clue.source_ref)))
    if data.get("anonymous"):
        return None  # an anonymous reporter's data never leaves the office
    return orjson.dumps(data)


def reporter_of(cipher: Cipher, handoff: Handoff) -> dict[str, Any] | None:
    """The reporter's contact data handed over with this hand-off (for its receiver only)."""
    if handoff.reporter_enc is None:
        return None
    return orjson.loads(cipher.decrypt(handoff.reporter_enc, reporter_handoff_aad(handoff.id)))


def apply(session: Session, handoff: Handoff, action: str, *, actor: str, via: str,
          now: datetime | None = None, calendar: WorkCalendar | None = None,
          **detail: Any) -> HandoffEvent:
    """Apply one action (SPEC §5). `detail` goes into both histories; `due_on` and
    `reply_due_on` (dates) set new deadlines (send back, reopen, resend)."""
    now = now or utcnow()
    before = handoff.state
    after = next_state(before, action, handoff.returned_by)
    check_editable(session, handoff.clue_id, ACTION_WHAT.get(action, "办理该事项的移交"))
    handoff.state = after
    if action in _TIMESTAMPS:
        setattr(handoff, _TIMESTAMPS[action], now)
    if action in ("reply_progress", "reply_final") and handoff.first_replied_at is None:
        handoff.first_replied_at = now
    if action == "return":
        handoff.returned_by = "receiver"
    elif action == "send_back":
        handoff.returned_by, handoff.replied_at, handoff.verified_at = "office", None, None
    elif before == "returned":
        handoff.returned_by = None
    if action == "reopen":
        handoff.closed_at = handoff.verified_at = handoff.replied_at = None
    _new_deadlines(handoff, detail, calendar, now)
    handoff.version += 1
    handoff.updated_at = now
    event = _record(session, handoff, action, before, after, actor, via, now,
                    {k: _iso(v) for k, v in detail.items()})
    _sync_clue(session, handoff, actor, now, shared=action not in ("remind", "escalate"))
    _notify(session, handoff, event)
    return event


def _notify(session: Session, handoff: Handoff, event: HandoffEvent) -> None:
    session.flush()  # listeners see the event's id and the hand-off as changed
    for listener in list(_listeners):
        listener(session, handoff, event)


def _new_deadlines(handoff: Handoff, detail: dict[str, Any], calendar: WorkCalendar | None,
                   now: datetime) -> None:
    changed = False
    for field in ("reply_due_on", "due_on"):
        if detail.get(field) is not None:
            setattr(handoff, field, detail[field])
            changed = True
    if changed and calendar is not None:
        handoff.deadline_warning = deadlines.warning_for(calendar, shanghai_today(now),
                                                         handoff.reply_due_on, handoff.due_on)


def _record(session: Session, handoff: Handoff, action: str, before: str | None, after: str,
            actor: str, via: str, now: datetime, detail: dict[str, Any]) -> HandoffEvent:
    event = HandoffEvent(handoff_id=handoff.id, at=now, actor=actor, via=via, action=action,
                         from_state=before, to_state=after, detail=detail)
    session.add(event)
    session.add(ClueEvent(clue_id=handoff.clue_id, at=now, actor=actor, action=f"handoff.{action}",
                          detail={"handoff": handoff.number, "receiver": handoff.receiver_name,
                                  "from": before, "to": after, "via": via, **detail}))
    audit.record(session, actor=actor, action=f"handoff.{action}",
                 target=f"handoff:{handoff.id}" if handoff.id else None, via=via, at=now,
                 before={"state": before}, after={"state": after, "handoff": handoff.number,
                                                  **detail})
    return event


def sync_clue(session: Session, handoff: Handoff, actor: str, now: datetime) -> None:
    """The clue's status in step with its hand-offs (after a hand-off made outside `apply`,
    e.g. a follow-up check's rebound)."""
    _sync_clue(session, handoff, actor, now)


def _sync_clue(session: Session, handoff: Handoff, actor: str, now: datetime,
               shared: bool = True) -> None:
    """办结 when every hand-off is closed or cancelled (one closed at least); back on reopen.
    A change of a hand-off's state is a change the clue's sender may read (成果共享): the
    clue's `updated_at` moves with it (reminders and escalations are the receiver's alone)."""
    clue = session.get(Clue, handoff.clue_id)
    if shared:
        clue.updated_at = max(clue.updated_at, now) if clue.updated_at else now
    states = repository.states_of_clue(session, clue.id)
    done = all(s in ("closed", "cancelled") for s in states) and "closed" in states
    if done and clue.status != "closed":
        _clue_status(session, clue, "closed", actor, now)
    elif not done and clue.status == "closed":
        _clue_status(session, clue, KINDS[handoff.kind][1], actor, now)


def _clue_status(session: Session, clue: Clue, status: str, actor: str, now: datetime) -> None:
    session.add(ClueEvent(clue_id=clue.id, at=now, actor=actor,
                          action="closed" if status == "closed" else "reopened",
                          detail={"from": clue.status, "to": status}))
    clue.status, clue.updated_at = status, now


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def state_label(state: str) -> str:
    return LABELS.get(state, state)


def default_deadline_days(kind: str, settings: Any = None) -> tuple[int, int]:
    """(reply, complete) working days for a kind, from the settings."""
    settings = settings or get_settings()
    return deadlines.default_days(kind, settings.handoff_reply_days,
                                  settings.handoff_complete_days, settings.handoff_kind_days)
