"""The office's hand-off pages (Chinese): the list, one hand-off with its timeline, actions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hub.api.deps import HubDep
from hub.contract.messages import field_errors
from hub.db.types import utcnow
from hub.errors import FieldError, Forbidden, HubError, InvalidInput
from hub.handoffs import office, repository
from hub.handoffs.endpoints import attachment_response
from hub.handoffs.kinds import KIND_LABELS
from hub.handoffs.schemas import (
    OUTCOME_LABELS,
    PERSON_KIND_LABELS,
    RANK_LABELS,
    ReplySubmission,
    measure_label,
)
from hub.handoffs.states import ACTION_LABELS, LABELS, TRANSITIONS, IllegalTransition, next_state
from hub.intake.present import OFFICE_ZONE, clue_no
from hub.web.actions import xlsx_download
from hub.web.actors import actor_names
from hub.web.session import PageUser, check_csrf
from hub.web.templating import (
    add_template_folder,
    register_event_labels,
    register_globals,
    templates,
)

router = APIRouter(prefix="/office/handoffs", include_in_schema=False)

VIA_LABELS = {"api": "接口", "page": "页面", "cli": "命令行", "system": "系统"}
ROLE_LABELS = {"lead": "主办", "co": "协办"}


def allowed(handoff, actions: tuple[str, ...]) -> list[str]:  # noqa: ANN001
    """Of these actions, the ones the hand-off's state allows (the page shows only those)."""
    out = []
    for action in actions:
        if action not in TRANSITIONS:
            continue
        try:
            next_state(handoff.state, action, handoff.returned_by)
        except IllegalTransition:
            continue
        out.append(action)
    return out


add_template_folder(Path(__file__).resolve().parent / "templates")
register_globals(HANDOFF_STATES=LABELS, HANDOFF_KINDS=KIND_LABELS, HANDOFF_ACTIONS=ACTION_LABELS,
                 OUTCOMES=OUTCOME_LABELS, VIAS=VIA_LABELS, HANDOFF_ROLES=ROLE_LABELS,
                 allowed_actions=allowed, clue_no=clue_no,
                 PERSON_KIND_LABELS=PERSON_KIND_LABELS, RANK_LABELS=RANK_LABELS,
                 measure_label=measure_label)
register_event_labels({f"handoff.{action}": f"移交：{label}" for action, label in ACTION_LABELS.items()})


@router.get("", response_class=HTMLResponse)
def list_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    office.require_see(user)
    params = request.query_params
    f = _office_filter(params)
    with hub.uow(write=False) as uow:
        rows = office.listing(uow.session, f)
    return templates.TemplateResponse(request, "handoffs.html", {
        "user": user, "rows": rows, "more": rows.more, "f": f,
        "overdue": sum(1 for r in rows if r.days_overdue),
        "message": params.get("message"), "error": params.get("error")})


def _office_filter(params) -> repository.OfficeFilter:  # noqa: ANN001
    """The hand-off list's filters from the query string (the list, the overview's links and
    the export read the same ones)."""
    due = (params.get("due") or "").strip()
    if due and not (due.isdigit() and 1 <= int(due) <= 60):
        raise InvalidInput([FieldError(["due"], "到期天数应为 1 至 60 的工作日数")])
    return repository.OfficeFilter(params.get("state", "open") or None, params.get("kind") or None,
                                   params.get("receiver") or None, to=params.get("to") or None,
                                   subject=params.get("subject") or None,
                                   overdue=params.get("overdue") == "1",
                                   due_within=int(due) if due else None)


@router.get("/export")
def export(request: Request, user: PageUser, hub: HubDep) -> Response:
    """The hand-off list as filtered, as .xlsx."""
    office.require_see(user)
    f = _office_filter(request.query_params)
    stamp = utcnow().astimezone(OFFICE_ZONE).strftime("%Y%m%d-%H%M")
    if not user.can_review:
        raise Forbidden("只有科员、科长和领导可以导出线索和移交")

    def write(path: str) -> None:
        with hub.uow() as uow:
            office.export(uow.session, user, f, path, via="page",
                          ip=request.client.host if request.client else None)
            uow.commit()

    return xlsx_download(write, f"移交跟踪-{stamp}.xlsx")


@router.get("/{number}", response_class=HTMLResponse)
def handoff_page(request: Request, number: str, user: PageUser, hub: HubDep) -> HTMLResponse:
    office.require_see(user)
    with hub.uow(write=False) as uow:
        v = office.view(uow.session, number)
        actors = actor_names(uow.session)
    return templates.TemplateResponse(request, "handoff.html", {
        "user": user, "v": v, "h": v.handoff, "actors": actors, "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})


@router.post("/{number}/action")
def action(number: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
           action: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
           due_on: Annotated[str, Form()] = "", complete_days: Annotated[str, Form()] = "",
           target: Annotated[str, Form()] = "", followup_on: Annotated[str, Form()] = "",
           no_followup: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    back = f"/office/handoffs/{number}"
    try:
        day = date.fromisoformat(due_on) if due_on.strip() else None
        look = date.fromisoformat(followup_on) if followup_on.strip() else None
        days = int(complete_days) if complete_days.strip().isdigit() else None
        with hub.uow() as uow:
            h = office.act(uow.session, user, number, action, via="page", reason=reason,
                           due_on=day, complete_days=days, target=target, cipher=hub.cipher,
                           settings=hub.settings, followup_on=look, no_followup=no_followup)
            uow.commit()
    except ValueError:
        return _with(back, error="日期格式不对，应为 2026-10-13 这样的年-月-日")
    except HubError as exc:
        detail = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
        return _with(back, error=detail)
    if h.number != number:  # redirected: show the new hand-off
        return _with(f"/office/handoffs/{h.number}", message=f"已改送{h.receiver_name}（原移交 {number} 已撤销）")
    return _with(back, message=f"已{ACTION_LABELS.get(action, action)}，移交当前状态：{LABELS[h.state]}")


@router.post("/{number}/reply")
def record_reply(number: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                 text: Annotated[str, Form()] = "", final: Annotated[bool, Form()] = False,
                 outcome: Annotated[str, Form()] = "", persons: Annotated[str, Form()] = "",
                 amount_yuan: Annotated[str, Form()] = "",
                 outcome_text: Annotated[str, Form()] = "",
                 people: Annotated[str, Form(max_length=20000)] = "") -> RedirectResponse:
    """A reply given outside the API (letter, phone), recorded by a reviewer."""
    check_csrf(user, csrf)
    back = f"/office/handoffs/{number}"
    data: dict = {"final": final, "text": text.strip()}
    try:
        if outcome:
            count = persons.strip()  # a form sends text; the contract takes a whole number
            data["outcome"] = {"kind": outcome,
                               "persons": int(count) if count.isdigit() else (count or None),
                               "amount_yuan": amount_yuan.strip() or None,
                               "text": outcome_text.strip() or None,
                               "people": office.parse_people(people)}
        body = ReplySubmission.model_validate(data)
        with hub.uow() as uow:
            office.record_reply(uow.session, user, number, body, via="page",
                                cipher=hub.cipher)
            uow.commit()
    except ValidationError as exc:
        return _with(back, error="；".join(e.msg for e in field_errors(exc, ())))
    except HubError as exc:
        detail = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
        return _with(back, error=detail)
    return _with(back, message="已登记" + ("办结反馈" if final else "进展反馈"))


@router.get("/{number}/attachments/{attachment_id}")
def download(number: str, attachment_id: int, user: PageUser, hub: HubDep) -> Response:
    office.require_see(user)
    return attachment_response(hub, number, attachment_id)


def _with(url: str, **params: str) -> RedirectResponse:
    from urllib.parse import urlencode

    return RedirectResponse(f"{url}?{urlencode(params)}", status_code=303)
