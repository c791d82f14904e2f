"""What the office's pages, the agencies' API and the command line show of a joint meeting:
the reads (an agency sees only a meeting it takes part in) and the shapes they are shown in
(nothing is written or counted here).

    listing(session) -> [{"id": 1, "period": "2026-10", "state_label": "筹备中", …}]
    view(session, meeting_id) -> everything the office's meeting page shows
    partner_view(session, meeting_id, agency_id) -> what GET /api/v1/meetings/{id} answers
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.errors import NotFound
from hub.handoffs.states import LABELS as HANDOFF_STATES
from hub.intake.present import clue_no
from hub.workdays import SHANGHAI

from . import repository
from .agenda import KINDS, numeral
from .models import AgendaItem, Meeting, MeetingAgency, MeetingDecision

ATTENDANCE = {"present": "出席", "leave": "请假", "absent": "缺席"}
STATE_LABELS = {"draft": "筹备中", "issued": "纪要已印发"}


def minutes(session: Session, meeting_id: int, agency_id: int | None = None) -> Meeting:
    """The meeting with its issued minutes (an agency: only of a meeting it takes part in)."""
    meeting = get_for(session, meeting_id, agency_id)
    if meeting.minutes_docx is None:
        raise NotFound(f"{meeting.title}的纪要尚未印发")
    return meeting


def get_for(session: Session, meeting_id: int, agency_id: int | None = None) -> Meeting:
    """The meeting; for an agency, only one it takes part in (else the same 404 as none)."""
    try:
        meeting = repository.get(session, meeting_id)
    except NotFound:
        meeting = None
    if meeting is None or (agency_id is not None
                           and repository.participant(session, meeting_id, agency_id) is None):
        raise NotFound(f"没有编号为 {meeting_id} 的联席会议（或本单位未参加）")
    return meeting


def listing(session: Session) -> list[dict[str, Any]]:
    """The office's list: every meeting, newest month first, with its number of participants."""
    rows = repository.listing(session)
    counts = repository.participant_counts(session, [m.id for m in rows])
    return [{**summary(m), "participants": counts.get(m.id, 0)} for m in rows]


def agency_listing(session: Session, agency_id: int) -> list[dict[str, Any]]:
    """An agency's list: the meetings it takes part in (GET /api/v1/meetings)."""
    return [summary(m) for m in repository.listing(session, agency_id)]


def active_agencies(session: Session) -> list[Any]:
    return repository.active_agencies(session)


def has_minutes(session: Session, meeting_id: int) -> bool:
    return repository.get(session, meeting_id).minutes_docx is not None


def handoff_number(session: Session, decision: MeetingDecision) -> str | None:
    """The number of the hand-off a decision became (None: not handed off)."""
    if decision.handoff_id is None:
        return None
    return repository.handoffs(session, {decision.handoff_id})[decision.handoff_id].number


def view(session: Session, meeting_id: int) -> dict[str, Any]:
    """Everything the office's meeting page shows."""
    meeting = repository.get(session, meeting_id)
    rows = repository.participants(session, meeting_id)
    taking_part = {row.agency_id for row, _ in rows}
    decisions = repository.decisions(session, meeting_id)
    names = {row.agency_id: name for row, name in rows}
    names.update(repository.agency_names(session, {d.agency_id for d in decisions} - set(names)))
    clues = repository.clues(session, {d.clue_id for d in decisions if d.clue_id})
    made = repository.handoffs(session, {d.handoff_id for d in decisions if d.handoff_id})
    others = [a for a in repository.active_agencies(session) if a.id not in taking_part]
    return _office(meeting, rows, decisions, names, clues, made, others,
                   repository.agenda(session, meeting_id))


def partner_view(session: Session, meeting_id: int, agency_id: int) -> dict[str, Any]:
    """What a participating agency sees: the meeting (only one it takes part in), who took
    part, its own attendance, the shared agenda, and only the decisions it is responsible for."""
    meeting = get_for(session, meeting_id, agency_id)
    rows = repository.participants(session, meeting_id)
    everyone = repository.decisions(session, meeting_id)
    made = repository.handoffs(session, {d.handoff_id for d in everyone
                                         if d.handoff_id and d.agency_id == agency_id})
    return _partner(meeting, rows, agency_id, everyone, made,
                    repository.agenda(session, meeting_id, public_only=True))


# -- shapes ---------------------------------------------------------------------------------

def summary(meeting: Meeting) -> dict[str, Any]:
    """What the office's list and an agency's list show of a meeting."""
    return {"id": meeting.id, "period": meeting.period, "title": meeting.title,
            "held_on": meeting.held_on.isoformat() if meeting.held_on else None,
            "place": meeting.place, "host": meeting.host, "state": meeting.state,
            "state_label": STATE_LABELS[meeting.state], "minutes": _minutes_json(meeting),
            "url": f"/api/v1/meetings/{meeting.id}"}


def _minutes_json(meeting: Meeting) -> dict[str, Any] | None:
    if meeting.minutes_docx is None:
        return None
    return {"number": meeting.minutes_number, "sha256": meeting.minutes_sha256,
            "issued_at": meeting.minutes_issued_at.isoformat(),
            "url": f"/api/v1/meetings/{meeting.id}/minutes"}


def _office(meeting: Meeting, participants: list[tuple[MeetingAgency, str]],
            decisions: list[MeetingDecision], names: dict[int, str], clues: dict[int, Any],
            made: dict[int, Any], others: list[Any], items: list[AgendaItem]) -> dict[str, Any]:
    return {
        "meeting": meeting, "summary": summary(meeting), "editable": meeting.state == "draft",
        "participants": [{"agency_id": row.agency_id, "name": name,
                          "attendance": row.attendance,
                          "attendance_label": ATTENDANCE.get(row.attendance or "", "未登记"),
                          "attendee": row.attendee, "post": row.post}
                         for row, name in participants],
        "others": others,
        "agenda": [{"id": i.id, "n": numeral(n), "kind": i.kind,
                    "kind_label": KINDS.get(i.kind, i.kind), "title": i.title,
                    "body": i.body, "lines": i.body.splitlines(), "public": i.public}
                   for n, i in enumerate(items, start=1)],
        "decisions": [_decision_row(d, n, names, clues, made)
                      for n, d in enumerate(decisions, start=1)],
    }


def _decision_row(d: MeetingDecision, n: int, names: dict[int, str], clues: dict[int, Any],
                  made: dict[int, Any]) -> dict[str, Any]:
    clue = clues.get(d.clue_id) if d.clue_id else None
    handoff = made.get(d.handoff_id) if d.handoff_id else None
    return {"id": d.id, "n": numeral(n), "text": d.text, "agency_id": d.agency_id,
            "agency": names.get(d.agency_id, str(d.agency_id)), "due_on": d.due_on.isoformat(),
            "clue": clue_no(clue.id, clue.received_at) if clue else None,
            "handoff": handoff.number if handoff else None,
            "handoff_state": HANDOFF_STATES.get(handoff.state, handoff.state) if handoff else None}


def _partner(meeting: Meeting, participants: list[tuple[MeetingAgency, str]], agency_id: int,
             decisions: list[MeetingDecision], made: dict[int, Any],
             items: list[AgendaItem]) -> dict[str, Any]:
    own = next(row for row, _ in participants if row.agency_id == agency_id)
    return {
        **summary(meeting),
        "participants": [{"agency": name, "attendance": row.attendance}
                         for row, name in participants],
        "attendance": {"attendance": own.attendance, "attendee": own.attendee, "post": own.post},
        "agenda": [{"position": n, "title": i.title, "text": i.body}
                   for n, i in enumerate(items, start=1)],
        "decisions": [{"id": d.id, "position": n, "text": d.text, "due_on": d.due_on.isoformat(),
                       "handoff": made[d.handoff_id].number if d.handoff_id else None}
                      for n, d in enumerate(decisions, start=1) if d.agency_id == agency_id],
    }


def local_time(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
