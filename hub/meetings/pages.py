"""The office's joint-meeting pages (联席会议): the list and a month's meeting created from its
report; the meeting's details, participants and attendance, agenda, decisions (each may become
a hand-off) and minutes (issued once, downloaded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.api.deps import HubDep
from hub.errors import FieldError, HubError, InvalidInput
from hub.reports.scope import Scope
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, templates
from hub.workdays import shanghai_today

from . import present, service
from .decisions import add_decision, delete_decision, hand_off, save_decision
from .endpoints import docx_response

router = APIRouter(prefix="/office/meetings", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
MeetingId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
DecisionId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def _actor(user) -> str:  # noqa: ANN001
    return f"user:{user.username}"


def _message(exc: HubError) -> str:
    return "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message


def _list_back(**params: str) -> RedirectResponse:
    return RedirectResponse(f"/office/meetings?{urlencode(params)}", status_code=303)


def _back(meeting_id: int, anchor: str = "", **params: str) -> RedirectResponse:
    tail = f"#{anchor}" if anchor else ""
    return RedirectResponse(f"/office/meetings/{meeting_id}?{urlencode(params)}{tail}",
                            status_code=303)


def _int(value: Any, field: str, label: str) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 2**31 - 1:
        raise InvalidInput([FieldError([field], f"{label}无效，请从列表中选择")])
    return int(text)


def _day(value: Any, field: str, label: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput([FieldError([field], f"{label}格式不对，应为 2026-11-05 这样的年-月-日")]) from None


@router.get("", response_class=HTMLResponse)
def list_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    service.require_see(user)
    with hub.uow(write=False) as uow:
        rows = present.listing(uow.session)
        agencies = present.active_agencies(uow.session)
    today = shanghai_today()
    return templates.TemplateResponse(request, "meetings.html", {
        "user": user, "rows": rows, "agencies": agencies,
        "can_edit": user.role in service.EDIT_ROLES,
        "last_month": Scope(today.year, today.month).previous().key,
        "message": request.query_params.get("message"), "error": request.query_params.get("error")})


@router.post("")
async def create(request: Request, user: PageUser, hub: HubDep) -> RedirectResponse:
    form = await request.form()
    check_csrf(user, str(form.get("csrf") or ""))
    service.require_edit(user)
    try:
        ids = [_int(v, "agencies", "参会单位") for v in form.getlist("agencies")]
        made = service.create_apart(hub, str(form.get("period") or ""),
                                    [i for i in ids if i is not None],
                                    actor=_actor(user), via="page")
    except HubError as exc:
        return _list_back(error=_message(exc))
    return _back(made, message="已建立会议，议程已按月报生成")


@router.get("/{meeting_id}", response_class=HTMLResponse)
def meeting_page(meeting_id: MeetingId, request: Request, user: PageUser,
                 hub: HubDep) -> HTMLResponse:
    service.require_see(user)
    with hub.uow(write=False) as uow:
        v = present.view(uow.session, meeting_id)
    return templates.TemplateResponse(request, "meeting.html", {
        "user": user, "v": v, "m": v["meeting"], "ATTENDANCE": present.ATTENDANCE,
        "can_edit": user.role in service.EDIT_ROLES and v["editable"],
        "issued_at": present.local_time(v["meeting"].minutes_issued_at)
        if v["meeting"].minutes_issued_at else None,
        "message": request.query_params.get("message"), "error": request.query_params.get("error")})


def _change(hub, meeting_id: int, anchor: str, done: str,  # noqa: ANN001
            work: Callable[[Any], Any]) -> RedirectResponse:
    """Run one change in a unit of work; back to the meeting with its notice or its error."""
    try:
        with hub.uow() as uow:
            work(uow.session)
            uow.commit()
    except HubError as exc:
        return _back(meeting_id, anchor, error=_message(exc))
    return _back(meeting_id, anchor, message=done)


@router.post("/{meeting_id}/details")
def details(meeting_id: MeetingId, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
            held_on: Annotated[str, Form()] = "", place: Annotated[str, Form()] = "",
            host: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    service.require_edit(user)
    try:
        day = _day(held_on, "held_on", "会议日期")
    except HubError as exc:
        return _back(meeting_id, "details", error=_message(exc))
    return _change(hub, meeting_id, "details", "已保存会议信息", lambda s: service.update_details(
        s, meeting_id, held_on=day, place=place, host=host, actor=_actor(user), via="page"))


@router.post("/{meeting_id}/participants")
def participants(meeting_id: MeetingId, user: PageUser, hub: HubDep,
                 csrf: Annotated[str, Form()], agency: Annotated[str, Form()] = "",
                 op: Annotated[str, Form()] = "attendance",
                 attendance: Annotated[str, Form()] = "", attendee: Annotated[str, Form()] = "",
                 post: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    service.require_edit(user)
    try:
        agency_id = _int(agency, "agency", "参会单位")
        if agency_id is None:
            raise InvalidInput([FieldError(["agency"], "请选择参会单位")])
    except HubError as exc:
        return _back(meeting_id, "participants", error=_message(exc))
    kw = {"actor": _actor(user), "via": "page"}
    if op == "add":
        return _change(hub, meeting_id, "participants", "已加入参会单位",
                       lambda s: service.add_participant(s, meeting_id, agency_id, **kw))
    if op == "remove":
        return _change(hub, meeting_id, "participants", "已移出参会单位",
                       lambda s: service.remove_participant(s, meeting_id, agency_id, **kw))
    return _change(hub, meeting_id, "participants", "已登记出席情况",
                   lambda s: service.set_attendance(s, meeting_id, agency_id, attendance,
                                                    attendee, post, **kw))


@router.post("/{meeting_id}/agenda")
def agenda(meeting_id: MeetingId, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
           op: Annotated[str, Form()] = "save", item: Annotated[str, Form()] = "",
           title: Annotated[str, Form()] = "", body: Annotated[str, Form()] = "",
           public: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    service.require_edit(user)
    kw = {"actor": _actor(user), "via": "page"}
    shared = public in ("1", "on", "true")
    if op == "regenerate":
        try:
            service.regenerate_apart(hub, meeting_id, **kw)
        except HubError as exc:
            return _back(meeting_id, "agenda", error=_message(exc))
        return _back(meeting_id, "agenda", message="已按月报重新生成议程")
    if op == "add":
        return _change(hub, meeting_id, "agenda", "已增加议程", lambda s: service.add_agenda_item(
            s, meeting_id, title=title, body=body, public=shared, **kw))
    try:
        item_id = _int(item, "item", "议程")
        if item_id is None:
            raise InvalidInput([FieldError(["item"], "请指明要修改的议程")])
    except HubError as exc:
        return _back(meeting_id, "agenda", error=_message(exc))
    if op == "delete":
        return _change(hub, meeting_id, "agenda", "已删除议程",
                       lambda s: service.delete_agenda_item(s, meeting_id, item_id, **kw))
    return _change(hub, meeting_id, f"item-{item_id}", "已保存议程",
                   lambda s: service.save_agenda_item(s, meeting_id, item_id, title=title,
                                                      body=body, public=shared, **kw))


@router.post("/{meeting_id}/decisions")
def decisions(meeting_id: MeetingId, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
              op: Annotated[str, Form()] = "add", decision: Annotated[str, Form()] = "",
              text: Annotated[str, Form()] = "", agency: Annotated[str, Form()] = "",
              due_on: Annotated[str, Form()] = "",
              clue: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    service.require_edit(user)
    kw = {"actor": _actor(user), "via": "page"}
    try:
        decision_id = _int(decision, "decision", "议定事项")
        if op == "delete":
            if decision_id is None:
                raise InvalidInput([FieldError(["decision"], "请指明要删除的议定事项")])
            return _change(hub, meeting_id, "decisions", "已删除议定事项",
                           lambda s: delete_decision(s, meeting_id, decision_id, **kw))
        fields = {"text": text, "agency_id": _int(agency, "agency", "责任单位"),
                  "due_on": _day(due_on, "due_on", "完成时限"), "clue": clue}
    except HubError as exc:
        return _back(meeting_id, "decisions", error=_message(exc))
    if op == "save" and decision_id is not None:
        return _change(hub, meeting_id, "decisions", "已保存议定事项",
                       lambda s: save_decision(s, meeting_id, decision_id, **fields, **kw))
    return _change(hub, meeting_id, "decisions", "已增加议定事项",
                   lambda s: add_decision(s, meeting_id, **fields, **kw))


@router.post("/{meeting_id}/decisions/{decision_id}/handoff")
def decision_handoff(meeting_id: MeetingId, decision_id: DecisionId, user: PageUser,
                     hub: HubDep, csrf: Annotated[str, Form()]) -> RedirectResponse:
    check_csrf(user, csrf)
    service.require_edit(user)
    try:
        with hub.uow() as uow:
            found = hand_off(uow.session, meeting_id, decision_id, actor=_actor(user),
                             via="page", created_by=user.user_id,
                             settings=hub.settings, cipher=hub.cipher)
            uow.commit()
            number = present.handoff_number(uow.session, found)
    except HubError as exc:
        return _back(meeting_id, "decisions", error=_message(exc))
    return _back(meeting_id, "decisions", message=f"议定事项已转为交办，移交编号 {number}")


@router.post("/{meeting_id}/minutes")
def issue_minutes(meeting_id: MeetingId, user: PageUser, hub: HubDep,
                  csrf: Annotated[str, Form()]) -> RedirectResponse:
    check_csrf(user, csrf)
    service.require_edit(user)
    try:
        with hub.uow() as uow:
            made = service.issue_minutes(uow.session, meeting_id, actor=_actor(user), via="page",
                                         settings=hub.settings)
            uow.commit()
            number = made.minutes_number
    except HubError as exc:
        return _back(meeting_id, "minutes", error=_message(exc))
    return _back(meeting_id, "minutes", message=f"会议纪要已印发，文号 {number}")


@router.get("/{meeting_id}/minutes")
def minutes(meeting_id: MeetingId, user: PageUser, hub: HubDep) -> Response:
    service.require_see(user)
    with hub.uow(write=False) as uow:
        meeting = present.minutes(uow.session, meeting_id)
        return docx_response(meeting)

