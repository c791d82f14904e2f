"""The decisions (议定事项) of a joint meeting: added, changed and deleted while the meeting is
a draft, each with its responsible agency (a participant), its deadline and the clue it
concerns; a decision becomes a hand-off (交办) to its agency through the hand-off service the
review desk uses (hub.handoffs.create_handoffs).

    add_decision(session, meeting.id, text="…", agency_id=3, due_on=date(…), clue="XS-2026-000012", …)
    hand_off(session, meeting.id, decision_id, actor=…, via=…)

The meeting's rules (`editable`: 409 once its minutes are issued) and its trail are the
service's. Services never commit; the caller's unit of work does.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.calendar.service import load_calendar
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, InvalidInput
from hub.handoffs import service as handoffs
from hub.handoffs.receivers import resolve_receiver
from hub.intake.present import clue_no, parse_clue_no
from hub.settings import get_settings

from . import repository
from .agenda import numeral
from .models import Meeting, MeetingDecision
from .service import editable, touched

UNDECIDED = frozenset({"received", "normalized", "correlated", "pending_review", "failed"})


def _clue_id(session: Session, ref: str | None) -> int | None:
    text = (ref or "").strip()
    if not text:
        return None
    parsed = parse_clue_no(text)
    clue = repository.clue(session, parsed[1]) if parsed else None
    if parsed is None:
        raise InvalidInput([FieldError(["clue"], "线索编号应写作 XS-2026-000123 这样的格式")])
    if clue is None or clue_no(clue.id, clue.received_at) != text:
        raise InvalidInput([FieldError(["clue"], f"没有编号为 {text} 的线索")])
    return clue.id


def _decision_fields(session: Session, meeting_id: int, text: str, agency_id: int | None,
                     due_on: date | None, clue: str | None) -> dict[str, Any]:
    errors = []
    body = (text or "").replace("\x00", "").strip()
    if not body:
        errors.append(FieldError(["text"], "请填写议定事项的内容"))
    elif len(body) > 2000:
        errors.append(FieldError(["text"], f"议定事项不能超过 2000 个字（现为 {len(body)} 个）"))
    if agency_id is None:
        errors.append(FieldError(["agency"], "请选择责任单位"))
    elif repository.participant(session, meeting_id, agency_id) is None:
        errors.append(FieldError(["agency"], "责任单位须是本次会议的参会单位"))
    if due_on is None:
        errors.append(FieldError(["due_on"], "请填写完成时限（年-月-日）"))
    try:
        clue_id = _clue_id(session, clue)
    except InvalidInput as exc:
        errors += exc.errors
        clue_id = None
    if errors:
        raise InvalidInput(errors)
    return {"text": body, "agency_id": agency_id, "due_on": due_on, "clue_id": clue_id}


def add_decision(session: Session, meeting_id: int, *, text: str, agency_id: int | None,
                 due_on: date | None, clue: str | None = None, actor: str, via: str,
                 now: datetime | None = None) -> MeetingDecision:
    meeting = editable(session, meeting_id)
    fields = _decision_fields(session, meeting_id, text, agency_id, due_on, clue)
    now = now or utcnow()
    made = MeetingDecision(meeting_id=meeting_id, created_at=now, created_by=actor,
                           position=repository.next_position(session, MeetingDecision, meeting_id),
                           **fields)
    session.add(made)
    session.flush()
    touched(session, meeting, "meeting.decision_added", actor, via, now,
            after={"decision": made.id, **_decision_audit(fields)})
    return made


def save_decision(session: Session, meeting_id: int, decision_id: int, *, text: str,
                  agency_id: int | None, due_on: date | None, clue: str | None = None,
                  actor: str, via: str, now: datetime | None = None) -> MeetingDecision:
    meeting = editable(session, meeting_id)
    found = _unhanded(session, meeting_id, decision_id)
    fields = _decision_fields(session, meeting_id, text, agency_id, due_on, clue)
    before = _decision_audit({"text": found.text, "agency_id": found.agency_id,
                              "due_on": found.due_on, "clue_id": found.clue_id})
    for key, value in fields.items():
        setattr(found, key, value)
    touched(session, meeting, "meeting.decision_saved", actor, via, now, before=before,
            after={"decision": found.id, **_decision_audit(fields)})
    return found


def delete_decision(session: Session, meeting_id: int, decision_id: int, *, actor: str,
                    via: str, now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    found = _unhanded(session, meeting_id, decision_id)
    session.delete(found)
    return touched(session, meeting, "meeting.decision_deleted", actor, via, now,
                   before={"decision": decision_id, "text": found.text})


def _unhanded(session: Session, meeting_id: int, decision_id: int) -> MeetingDecision:
    found = repository.decision(session, meeting_id, decision_id, for_update=True)
    if found.handoff_id is not None:
        number = repository.handoffs(session, {found.handoff_id})[found.handoff_id].number
        raise Conflict(f"这项议定事项已转为交办（{number}），不能再修改或删除")
    return found


def _decision_audit(fields: dict[str, Any]) -> dict[str, Any]:
    return {"text": fields["text"], "agency": fields["agency_id"],
            "due_on": fields["due_on"].isoformat() if fields["due_on"] else None,
            "clue": fields["clue_id"]}


def ordinal(session: Session, meeting_id: int, decision_id: int) -> int:
    """The decision's number in the meeting (一, 二, …) as the page and the minutes show it."""
    ids = [d.id for d in repository.decisions(session, meeting_id)]
    return ids.index(decision_id) + 1


def hand_off(session: Session, meeting_id: int, decision_id: int, *, actor: str, via: str,
             created_by: int | None = None, settings: Any = None, cipher: Any = None,
             now: datetime | None = None) -> MeetingDecision:
    """The decision becomes a hand-off (交办) to its responsible agency through the hand-off
    service the review desk uses; the decision keeps the hand-off's id, the hand-off's history
    says it came from the meeting, its instructions quote the decision."""
    meeting = editable(session, meeting_id)
    found = _unhanded(session, meeting_id, decision_id)
    if found.clue_id is None:
        raise InvalidInput([FieldError(["clue"], "这项议定事项没有关联线索，不能转为交办；"
                                                 "请先填写所涉线索编号")])
    clue = repository.clue(session, found.clue_id)
    if clue.status in UNDECIDED:
        raise Conflict(f"线索 {clue_no(clue.id, clue.received_at)} 尚未研判，请先在研判队列作出决定")
    settings = settings or get_settings()
    now = now or utcnow()
    n = ordinal(session, meeting_id, decision_id)
    source = f"{meeting.title}议定事项第{numeral(n)}项"
    receiver = resolve_receiver(session, f"agency:{found.agency_id}", ["agency"])
    reply_days, _ = handoffs.default_deadline_days("assign", settings)
    made = handoffs.create_handoffs(
        session, clue=clue, kind="assign", receivers=[receiver], calendar=load_calendar(session),
        actor=actor, via=via, cipher=cipher, instructions=f"根据{source}：{found.text}",
        reply_days=reply_days, due_on=found.due_on, created_by=created_by, now=now,
        origin={"source": source, "meeting": meeting.id, "meeting_decision": found.id})
    handoffs.sync_clue(session, made[0], actor, now)
    found.handoff_id = made[0].id
    touched(session, meeting, "meeting.decision_handed_off", actor, via, now,
            after={"decision": found.id, "handoff": made[0].number})
    return found
