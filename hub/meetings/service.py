"""The joint meeting (联席会议) of a month: created with its agenda drawn from the month's
report, edited by the office until its minutes are issued, shared with the agencies taking
part.

    draft = prepare(session, "2026-10", office_name="…")        (read-only: the report)
    meeting = create(session, "2026-10", draft, [3, 5], actor="user:li", via="page")
    set_attendance(session, meeting.id, 3, "present", "王某", "副主任", actor=…, via=…)
    issue_minutes(session, meeting.id, actor=…, via=…)           (.docx, numbered, sha256)

Its decisions (议定事项) and their hand-offs are in `decisions.py`; what the pages, the API
and the command line read of a meeting in `present.py`; the minutes' words in `minutes.py`;
the agenda drawn from the report in `agenda.py`.

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
from hub.db.types import utcnow
from hub.db.uow import IntegrityError
from hub.documents import render
from hub.documents import service as documents
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from hub.reports.scope import Scope, parse_month
from hub.settings import get_settings
from hub.workdays import shanghai_today

from . import agenda as agenda_draft
from . import repository
from .agenda import Draft
from .minutes import fields as minutes_fields
from .minutes import written
from .models import AgendaItem, Meeting, MeetingAgency
from .present import ATTENDANCE

SEE_ROLES = frozenset({"reviewer", "section_head", "leader", "auditor"})
EDIT_ROLES = frozenset({"section_head", "leader"})
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
    return touched(session, meeting, "meeting.details", actor, via, now, before=before,
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
    return touched(session, meeting, "meeting.participant_added", actor, via, now,
                   after={"agency": agency_id})


def remove_participant(session: Session, meeting_id: int, agency_id: int, *, actor: str,
                       via: str, now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    found = _participant(session, meeting_id, agency_id)
    if repository.decisions(session, meeting_id, agency_id):
        raise Conflict("该单位是议定事项的责任单位，不能移出参会单位")
    session.delete(found)
    return touched(session, meeting, "meeting.participant_removed", actor, via, now,
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
    return touched(session, meeting, "meeting.attendance", actor, via, now, before=before,
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
    return touched(session, meeting, "meeting.agenda_regenerated", actor, via, now,
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
    touched(session, meeting, "meeting.agenda_added", actor, via, now,
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
    touched(session, meeting, "meeting.agenda_saved", actor, via, now, before=before,
            after={"item": item.id, "title": item.title, "body": item.body, "public": public})
    return item


def delete_agenda_item(session: Session, meeting_id: int, item_id: int, *, actor: str, via: str,
                       now: datetime | None = None) -> Meeting:
    meeting = editable(session, meeting_id)
    item = repository.agenda_item(session, meeting_id, item_id)
    session.delete(item)
    return touched(session, meeting, "meeting.agenda_deleted", actor, via, now,
                   before={"item": item_id, "title": item.title})


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
    values.update(number=number, office=settings.office_name, date=written(today))
    content = render.render(documents.template_bytes(session, MINUTES), values)
    meeting.state = "issued"
    meeting.minutes_number, meeting.minutes_docx = number, content
    meeting.minutes_sha256 = hashlib.sha256(content).hexdigest()
    meeting.minutes_issued_at, meeting.minutes_issued_by = now, actor
    return touched(session, meeting, "meeting.minutes_issued", actor, via, now,
                   after={"number": number, "sha256": meeting.minutes_sha256})


def minutes_values(session: Session, meeting: Meeting) -> dict[str, str]:
    """The minutes' fields: the shared agenda, attendance and every decision."""
    participants = repository.participants(session, meeting.id)
    items = repository.agenda(session, meeting.id, public_only=True)
    decisions = repository.decisions(session, meeting.id)
    names = repository.agency_names(session, {d.agency_id for d in decisions})
    made = repository.handoffs(session, {d.handoff_id for d in decisions if d.handoff_id})
    return minutes_fields(meeting, participants, items, decisions, names, made)


# -- the trail --------------------------------------------------------------------------------

def touched(session: Session, meeting: Meeting, action: str, actor: str, via: str,
            now: datetime | None, *, before: dict[str, Any] | None = None,
            after: dict[str, Any] | None = None) -> Meeting:
    """The meeting changed: its time of change, and the change in the trail."""
    now = now or utcnow()
    meeting.updated_at = now
    session.flush()
    _audit(session, meeting, action, actor, via, now, before=before, after=after)
    return meeting


def _audit(session: Session, meeting: Meeting, action: str, actor: str, via: str, now: datetime,
           *, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    audit.record(session, actor=actor, action=action, target=f"meeting:{meeting.id}", via=via,
                 at=now, before=before, after={"meeting": meeting.period, **(after or {})})
