"""The joint meeting (联席会议) of a month: created with its agenda drawn from the month's
report, edited by the office until its minutes are issued, shared with the agencies taking
part.

    draft = prepare(session, "2026-10", office_name="…")        (read-only: the report)
    meeting = create(session, "2026-10", draft, [3, 5], actor="user:li", via="page")
    set_attendance(session, meeting.id, 3, "present", "王某", "副主任", actor=…, via=…)
    add_decision(session, meeting.id, text="…", agency_id=3, due_on=date(…), clue="XS-2026-000012", …)
    hand_off(session, meeting.id, decision_id, actor=…, via=…)   (hub.handoffs.create_handoffs)
    issue_minutes(session, meeting.id, actor=…, via=…)           (.docx, numbered, sha256)

Section heads and leaders edit (`require_edit`); reviewers and auditors read (`require_see`).
A meeting whose minutes are issued is read-only. Every change writes an audit entry. Services
never commit; the caller's unit of work does (`create_apart` reads the report in a read-only
unit, then writes in a short one).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.db.types import utcnow
from hub.db.uow import IntegrityError
from hub.documents import render
from hub.documents import service as documents
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from hub.handoffs import service as handoffs
from hub.handoffs.receivers import resolve_receiver
from hub.handoffs.states import LABELS as HANDOFF_STATES
from hub.intake.present import clue_no, parse_clue_no
from hub.reports.scope import Scope, parse_month
from hub.settings import get_settings
from hub.workdays import SHANGHAI, shanghai_today

from . import agenda as agenda_draft
from . import repository
from .agenda import Draft, numeral
from .models import AgendaItem, Meeting, MeetingAgency, MeetingDecision

SEE_ROLES = frozenset({"reviewer", "section_head", "leader", "auditor"})
EDIT_ROLES = frozenset({"section_head", "leader"})
ATTENDANCE = {"present": "出席", "leave": "请假", "absent": "缺席"}
STATE_LABELS = {"draft": "筹备中", "issued": "纪要已印发"}
UNDECIDED = frozenset({"received", "normalized", "correlated", "pending_review", "failed"})
MINUTES = "minutes"  # the documents' kind: 十法督纪〔2026〕1号
LIMITS = {"place": 200, "host": 100, "attendee": 50, "post": 100, "title": 200}


def require_see(user: OfficePrincipal) -> None:
    if user.role not in SEE_ROLES:
        raise Forbidden("只有科员、科长、领导和审计人员可以查看联席会议")


def require_edit(user: OfficePrincipal) -> None:
    if user.role not in EDIT_ROLES:
        raise Forbidden("只有科长和领导可以编辑联席会议")


def scope_of(period: str, today: date | None = None) -> Scope:
    """The month of a meeting (YYYY-MM), not after the current one."""
    year, month = parse_month((period or "").strip())
    scope = Scope(year, month)
    today = today or shanghai_today()
    if (year, month) > (today.year, today.month):
        raise InvalidInput([FieldError(["period"], f"{scope.label}尚未开始，不能为它召开联席会议")])
    return scope


def title_of(scope: Scope) -> str:
    return f"{scope.label}联席会议"


# -- creating ---------------------------------------------------------------------------------

def prepare(session: Session, period: str, *, office_name: str) -> Draft:
    """The agenda the month's report gives (read-only work: run it in a read-only unit)."""
    return agenda_draft.draft(session, scope_of(period), office_name=office_name)


def create(session: Session, period: str, draft: Draft, agency_ids: list[int], *, actor: str,
           via: str, now: datetime | None = None) -> Meeting:
    scope = scope_of(period)
    if repository.by_period(session, scope.key) is not None:
        raise Conflict(f"{title_of(scope)}已经建立，请在会议列表中打开")
    agencies = _check_agencies(session, agency_ids)
    now = now or utcnow()
    meeting = Meeting(period=scope.key, title=title_of(scope), state="draft",
                      report_as_of=draft.as_of, created_at=now, created_by=actor, updated_at=now)
    session.add(meeting)
    session.flush()
    for agency_id in agencies:
        session.add(MeetingAgency(meeting_id=meeting.id, agency_id=agency_id))
    _add_items(session, meeting.id, draft.items, start=1)
    session.flush()
    _audit(session, meeting, "meeting.created", actor, via, now,
           after={"period": scope.key, "agencies": agencies,
                  "agenda": [i["title"] for i in draft.items]})
    return meeting


def create_apart(hub: Any, period: str, agency_ids: list[int], *, actor: str, via: str) -> int:
    """Read the month's report in a read-only unit (SQLite has one writer: a large month must
    not hold it), then create the meeting in a short write. Its id."""
    scope_of(period)
    with hub.uow(write=False) as uow:
        draft = prepare(uow.session, period, office_name=hub.settings.office_name)
    try:
        with hub.uow() as uow:
            made = create(uow.session, period, draft, agency_ids, actor=actor, via=via)
            uow.commit()
            return made.id
    except IntegrityError:
        raise Conflict(f"{title_of(scope_of(period))}已由他人建立，请刷新后打开") from None


def _check_agencies(session: Session, agency_ids: list[int]) -> list[int]:
    errors, found = [], []
    for index, agency_id in enumerate(agency_ids):
        agency = repository.agency(session, agency_id)
        if agency is None or not agency.active:
            errors.append(FieldError(["agencies", index], f"没有编号为 {agency_id} 的在用协作单位"))
        elif agency_id not in found:
            found.append(agency_id)
    if errors:
        raise InvalidInput(errors)
    return found


def _add_items(session: Session, meeting_id: int, items: list[dict[str, Any]], start: int) -> None:
    for offset, item in enumerate(items):
        session.add(AgendaItem(meeting_id=meeting_id, position=start + offset, kind=item["kind"],
                               title=item["title"], body=item["body"], public=item["public"],
                               source=item.get("source")))


def agency_ids(session: Session, refs: list[str]) -> list[int]:
    """Agencies named on the command line: by number or by name (422 naming the one unknown)."""
    ids, errors = [], []
    names = {a.name: a.id for a in repository.active_agencies(session)}
    for index, ref in enumerate(refs):
        text = ref.strip()
        if text.isdigit():
            ids.append(int(text))
        elif text in names:
            ids.append(names[text])
        else:
            errors.append(FieldError(["agency", index], f"没有名为“{text}”的在用协作单位"))
    if errors:
        raise InvalidInput(errors)
    return ids


def meeting_id(session: Session, ref: str) -> int:
    """A meeting named by its number or its month (2026-11)."""
    text = (ref or "").strip()
    if text.isdigit():
        return repository.get(session, int(text)).id
    found = repository.by_period(session, scope_of(text).key)
    if found is None:
        raise NotFound(f"{text} 还没有联席会议")
    return found.id


# -- editing ----------------------------------------------------------------------------------

def editable(session: Session, meeting_id: int) -> Meeting:
    """The meeting, locked for the change; 409 once its minutes are issued."""
    meeting = repository.get(session, meeting_id, for_update=True)
    if meeting.state == "issued":
        raise Conflict(f"{meeting.title}的纪要已印发（{meeting.minutes_number}），会议记录不能再修改")
    return meeting


def _text(value: str | None, field: str, label: str, *, required: bool = False,
          limit: int | None = None) -> str | None:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput([FieldError([field], f"请填写{label}")])
    if limit is not None and len(text) > limit:
        raise InvalidInput([FieldError([field], f"{label}不能超过 {limit} 个字（现为 {len(text)} 个）")])
    return text or None


def update_details(session: Session, meeting_id: int, *, held_on: date | None,
                   place: str | None, host: str | None, actor: str, via: str,
                   now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    before = _details(meeting)
    meeting.held_on = held_on
    meeting.place = _text(place, "place", "会议地点", limit=LIMITS["place"])
    meeting.host = _text(host, "host", "主持人", limit=LIMITS["host"])
    return _touched(session, meeting, "meeting.details", actor, via, now, before=before,
                    after=_details(meeting))


def _details(meeting: Meeting) -> dict[str, Any]:
    return {"held_on": meeting.held_on.isoformat() if meeting.held_on else None,
            "place": meeting.place, "host": meeting.host}


def add_participant(session: Session, meeting_id: int, agency_id: int, *, actor: str, via: str,
                    now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    [agency_id] = _check_agencies(session, [agency_id])
    if repository.participant(session, meeting_id, agency_id) is not None:
        raise Conflict("该单位已是本次会议的参会单位")
    session.add(MeetingAgency(meeting_id=meeting_id, agency_id=agency_id))
    return _touched(session, meeting, "meeting.participant_added", actor, via, now,
                    after={"agency": agency_id})


def remove_participant(session: Session, meeting_id: int, agency_id: int, *, actor: str,
                       via: str, now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    found = _participant(session, meeting_id, agency_id)
    if repository.decisions(session, meeting_id, agency_id):
        raise Conflict("该单位是议定事项的责任单位，不能移出参会单位")
    session.delete(found)
    return _touched(session, meeting, "meeting.participant_removed", actor, via, now,
                    before={"agency": agency_id})


def _participant(session: Session, meeting_id: int, agency_id: int) -> MeetingAgency:
    found = repository.participant(session, meeting_id, agency_id)
    if found is None:
        raise NotFound("该单位不是本次会议的参会单位")
    return found


def set_attendance(session: Session, meeting_id: int, agency_id: int, attendance: str | None,
                   attendee: str | None, post: str | None, *, actor: str, via: str,
                   now: datetime | None = None) -> Meeting:
    """出席 (with the attendee's name and post), 请假 or 缺席; empty: not yet recorded."""
    meeting = editable(session, meeting_id)
    found = _participant(session, meeting_id, agency_id)
    attendance = (attendance or "").strip() or None
    if attendance is not None and attendance not in ATTENDANCE:
        raise InvalidInput([FieldError(["attendance"], "出席情况应为出席（present）、请假（leave）"
                                                       "或缺席（absent）")])
    name = _text(attendee, "attendee", "出席人姓名", limit=LIMITS["attendee"],
                 required=attendance == "present")
    before = {"attendance": found.attendance, "attendee": found.attendee, "post": found.post}
    found.attendance = attendance
    found.attendee = name
    found.post = _text(post, "post", "出席人职务", limit=LIMITS["post"])
    return _touched(session, meeting, "meeting.attendance", actor, via, now, before=before,
                    after={"agency": agency_id, "attendance": attendance, "attendee": name,
                           "post": found.post})


def regenerate_agenda(session: Session, meeting_id: int, draft: Draft, *, actor: str, via: str,
                      now: datetime | None = None) -> Meeting:
    """The report's items drawn again (the office's own items kept, after them)."""
    meeting = editable(session, meeting_id)
    own = [i for i in repository.agenda(session, meeting_id) if i.kind == "other"]
    kept = [{"kind": i.kind, "title": i.title, "body": i.body, "public": i.public,
             "source": i.source} for i in own]
    repository.drop_agenda(session, meeting_id)
    _add_items(session, meeting_id, [*draft.items, *kept], start=1)
    meeting.report_as_of = draft.as_of
    return _touched(session, meeting, "meeting.agenda_regenerated", actor, via, now,
                    after={"as_of": draft.as_of})


def regenerate_apart(hub: Any, meeting_id: int, *, actor: str, via: str) -> None:
    """The report read in a read-only unit, the agenda replaced in a short write."""
    with hub.uow(write=False) as uow:
        period = repository.get(uow.session, meeting_id).period
        draft = prepare(uow.session, period, office_name=hub.settings.office_name)
    with hub.uow() as uow:
        regenerate_agenda(uow.session, meeting_id, draft, actor=actor, via=via)
        uow.commit()


def add_agenda_item(session: Session, meeting_id: int, *, title: str, body: str, public: bool,
                    actor: str, via: str, now: datetime | None = None) -> AgendaItem:
    meeting = editable(session, meeting_id)
    item = AgendaItem(meeting_id=meeting_id, kind="other",
                      position=repository.next_position(session, AgendaItem, meeting_id),
                      title=_text(title, "title", "议程标题", required=True, limit=LIMITS["title"]),
                      body=_text(body, "body", "议程内容", limit=20_000) or "", public=public)
    session.add(item)
    _touched(session, meeting, "meeting.agenda_added", actor, via, now,
             after={"title": item.title, "public": public})
    return item


def save_agenda_item(session: Session, meeting_id: int, item_id: int, *, title: str, body: str,
                     public: bool, actor: str, via: str, now: datetime | None = None) -> AgendaItem:
    meeting = editable(session, meeting_id)
    item = repository.agenda_item(session, meeting_id, item_id)
    before = {"title": item.title, "body": item.body, "public": item.public}
    item.title = _text(title, "title", "议程标题", required=True, limit=LIMITS["title"])
    item.body = _text(body, "body", "议程内容", limit=20_000) or ""
    item.public = public
    _touched(session, meeting, "meeting.agenda_saved", actor, via, now, before=before,
             after={"item": item.id, "title": item.title, "body": item.body, "public": public})
    return item


def delete_agenda_item(session: Session, meeting_id: int, item_id: int, *, actor: str, via: str,
                       now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    item = repository.agenda_item(session, meeting_id, item_id)
    session.delete(item)
    return _touched(session, meeting, "meeting.agenda_deleted", actor, via, now,
                    before={"item": item_id, "title": item.title})


# -- decisions (议定事项) ------------------------------------------------------------------------

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
    _touched(session, meeting, "meeting.decision_added", actor, via, now,
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
    _touched(session, meeting, "meeting.decision_saved", actor, via, now, before=before,
             after={"decision": found.id, **_decision_audit(fields)})
    return found


def delete_decision(session: Session, meeting_id: int, decision_id: int, *, actor: str,
                    via: str, now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    found = _unhanded(session, meeting_id, decision_id)
    session.delete(found)
    return _touched(session, meeting, "meeting.decision_deleted", actor, via, now,
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
    _touched(session, meeting, "meeting.decision_handed_off", actor, via, now,
             after={"decision": found.id, "handoff": made[0].number})
    return found


# -- minutes (会议纪要) -------------------------------------------------------------------------

def issue_minutes(session: Session, meeting_id: int, *, actor: str, via: str,
                  settings: Any = None, now: datetime | None = None) -> Meeting:
    """Render the minutes from the documents' 会议纪要 template, number them, keep them as
    issued with their SHA-256; the meeting becomes read-only. Issued once."""
    meeting = editable(session, meeting_id)
    if meeting.held_on is None:
        raise InvalidInput([FieldError(["held_on"], "请先填写会议日期，再印发纪要")])
    if not repository.participants(session, meeting_id):
        raise InvalidInput([FieldError(["agencies"], "会议还没有参会单位，不能印发纪要")])
    settings = settings or get_settings()
    now = now or utcnow()
    today = shanghai_today(now)
    _, number = documents.next_number(session, MINUTES, today, settings)
    values = minutes_values(session, meeting)
    values.update(number=number, office=settings.office_name, date=_day(today))
    content = render.render(documents.template_bytes(session, MINUTES), values)
    meeting.state = "issued"
    meeting.minutes_number, meeting.minutes_docx = number, content
    meeting.minutes_sha256 = hashlib.sha256(content).hexdigest()
    meeting.minutes_issued_at, meeting.minutes_issued_by = now, actor
    return _touched(session, meeting, "meeting.minutes_issued", actor, via, now,
                    after={"number": number, "sha256": meeting.minutes_sha256})


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def minutes_values(session: Session, meeting: Meeting) -> dict[str, str]:
    """The minutes' fields: the shared agenda, attendance and every decision."""
    present = []
    for row, name in repository.participants(session, meeting.id):
        if row.attendance == "present":
            who = "、".join(x for x in (row.post, row.attendee) if x)
            present.append(f"{name}（{who}）出席" if who else f"{name}出席")
        else:
            present.append(f"{name}{ATTENDANCE.get(row.attendance or '', '（出席情况未登记）')}")
    items = repository.agenda(session, meeting.id, public_only=True)
    agenda = [f"（{numeral(i)}）{item.title}\n{item.body}".rstrip()
              for i, item in enumerate(items, start=1)]
    decisions = repository.decisions(session, meeting.id)
    names = repository.agency_names(session, {d.agency_id for d in decisions})
    numbers = repository.handoffs(session, {d.handoff_id for d in decisions if d.handoff_id})
    lines = []
    for i, d in enumerate(decisions, start=1):
        tail = f"；已交办，移交编号 {numbers[d.handoff_id].number}" if d.handoff_id else ""
        lines.append(f"（{numeral(i)}）{d.text}（责任单位：{names[d.agency_id]}；完成时限："
                     f"{_day(d.due_on)}{tail}）")
    return {"meeting": meeting.title, "held_on": _day(meeting.held_on) if meeting.held_on else "",
            "place": meeting.place or "（地点未填写）", "host": meeting.host or "（主持人未填写）",
            "attendance": "\n".join(present) or "无",
            "agenda": "\n".join(agenda) or "无", "decisions": "\n".join(lines) or "本次会议无议定事项。"}


def minutes_name(meeting: Meeting) -> str:
    return f"{meeting.minutes_number}{meeting.title}纪要.docx"


def minutes(session: Session, meeting_id: int, agency_id: int | None = None) -> Meeting:
    """The meeting with its issued minutes (an agency: only of a meeting it takes part in)."""
    meeting = get_for(session, meeting_id, agency_id)
    if meeting.minutes_docx is None:
        raise NotFound(f"{meeting.title}的纪要尚未印发")
    return meeting


# -- reading ----------------------------------------------------------------------------------

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
    return {
        "meeting": meeting, "summary": summary(meeting), "editable": meeting.state == "draft",
        "participants": [{"agency_id": row.agency_id, "name": name,
                          "attendance": row.attendance,
                          "attendance_label": ATTENDANCE.get(row.attendance or "", "未登记"),
                          "attendee": row.attendee, "post": row.post} for row, name in rows],
        "others": [a for a in repository.active_agencies(session) if a.id not in taking_part],
        "agenda": [{"id": i.id, "n": numeral(n), "kind": i.kind,
                    "kind_label": agenda_draft.KINDS.get(i.kind, i.kind), "title": i.title,
                    "body": i.body, "lines": i.body.splitlines(), "public": i.public}
                   for n, i in enumerate(repository.agenda(session, meeting_id), start=1)],
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


def partner_view(session: Session, meeting_id: int, agency_id: int) -> dict[str, Any]:
    """What a participating agency sees: the meeting, who took part, its own attendance, the
    shared agenda, and only the decisions it is responsible for."""
    meeting = get_for(session, meeting_id, agency_id)
    rows = repository.participants(session, meeting_id)
    own = next(row for row, _ in rows if row.agency_id == agency_id)
    everyone = repository.decisions(session, meeting_id)
    made = repository.handoffs(session, {d.handoff_id for d in everyone
                                         if d.handoff_id and d.agency_id == agency_id})
    return {
        **summary(meeting),
        "participants": [{"agency": name, "attendance": row.attendance} for row, name in rows],
        "attendance": {"attendance": own.attendance, "attendee": own.attendee, "post": own.post},
        "agenda": [{"position": n, "title": i.title, "text": i.body} for n, i in
                   enumerate(repository.agenda(session, meeting_id, public_only=True), start=1)],
        "decisions": [{"id": d.id, "position": n, "text": d.text, "due_on": d.due_on.isoformat(),
                       "handoff": made[d.handoff_id].number if d.handoff_id else None}
                      for n, d in enumerate(everyone, start=1) if d.agency_id == agency_id],
    }


# -- the trail --------------------------------------------------------------------------------

def _touched(session: Session, meeting: Meeting, action: str, actor: str, via: str,
             now: datetime | None, *, before: dict[str, Any] | None = None,
             after: dict[str, Any] | None = None) -> Meeting:
    now = now or utcnow()
    meeting.updated_at = now
    session.flush()
    _audit(session, meeting, action, actor, via, now, before=before, after=after)
    return meeting


def _audit(session: Session, meeting: Meeting, action: str, actor: str, via: str, now: datetime,
           *, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    audit.record(session, actor=actor, action=action, target=f"meeting:{meeting.id}", via=via,
                 at=now, before=before, after={"meeting": meeting.period, **(after or {})})


def local_time(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")

