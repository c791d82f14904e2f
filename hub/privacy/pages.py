"""The office's pages for reporter identity and legal holds (Chinese)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub import audit
from hub.accounts import repository as accounts
from hub.api.deps import HubDep
from hub.db.types import utcnow
from hub.errors import Forbidden, HubError
from hub.handoffs.schemas import PERSON_KIND_LABELS, RANK_LABELS, measure_label
from hub.intake.present import clue_no, parse_clue_no
from hub.privacy import repository, reveal, service
from hub.privacy.endpoints import where
from hub.privacy.reveal import STATE_LABELS
from hub.web.actions import redirect_with
from hub.web.session import PageUser, check_csrf
from hub.web.templating import (
    add_template_folder,
    register_event_labels,
    register_globals,
    templates,
)

router = APIRouter(prefix="/office", include_in_schema=False)

add_template_folder(Path(__file__).resolve().parent / "templates")
register_globals(REVEAL_STATES=STATE_LABELS, REVEAL_SUBJECTS=reveal.SUBJECTS, clue_no=clue_no)
register_event_labels({
    "reporter.reveal_requested": "申请查看反映人身份", "reporter.reveal_approved": "批准查看反映人身份",
    "reporter.reveal_refused": "不批准查看反映人身份", "reporter.revealed": "查看了反映人身份",
    "legal_hold.set": "设置法律保留", "legal_hold.released": "解除法律保留",
    "retention.purged": "按保存期限清除个人信息",
    "persons.reveal_requested": "申请查看处理人员姓名", "persons.reveal_approved": "批准查看处理人员姓名",
    "persons.reveal_refused": "不批准查看处理人员姓名", "persons.revealed": "查看了处理人员姓名",
})


def _clue_id(number: str) -> int:
    parsed = parse_clue_no(number)
    return parsed[1] if parsed else -1


def _message(exc: HubError) -> str:
    return "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message


@router.post("/clues/{number}/reveal-requests")
def request_reveal(request: Request, number: str, user: PageUser, hub: HubDep,
                   csrf: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
                   subject: Annotated[str, Form()] = "reporter") -> RedirectResponse:
    check_csrf(user, csrf)
    back = f"/office/clues/{number}"
    try:
        with hub.uow() as uow:
            made = reveal.request_reveal(uow.session, user, _clue_id(number), reason,
                                         where(request), utcnow(), subject)
            uow.commit()
            what = reveal.SUBJECTS[made.subject]
    except HubError as exc:
        return redirect_with(back, error=_message(exc))
    return redirect_with(back, message=f"已提交查看{what}的申请，待领导审批")


@router.post("/clues/{number}/reporter", response_class=HTMLResponse)
def show_reporter(request: Request, number: str, user: PageUser, hub: HubDep,
                  csrf: Annotated[str, Form()]) -> HTMLResponse:
    check_csrf(user, csrf)
    return _revealed(request, number, user, hub, reveal.reveal, "reporter.html", "r")


@router.post("/clues/{number}/persons", response_class=HTMLResponse)
def show_persons(request: Request, number: str, user: PageUser, hub: HubDep,
                 csrf: Annotated[str, Form()]) -> HTMLResponse:
    check_csrf(user, csrf)
    return _revealed(request, number, user, hub, reveal.reveal_persons, "persons.html",
                     "persons", kind_labels=PERSON_KIND_LABELS, rank_labels=RANK_LABELS,
                     measure_label=measure_label)


def _revealed(request: Request, number: str, user: PageUser, hub: HubDep,
              reveal_fn: Callable[..., Any], template: str, name: str,
              **extra: Any) -> HTMLResponse:
    """Reveal (approved, audited) what `reveal_fn` decrypts, shown once and never cached; a
    refusal goes back to the clue's page with its Chinese reason."""
    try:
        with hub.uow() as uow:
            shown = reveal_fn(uow.session, hub.cipher, user, _clue_id(number), where(request),
                              utcnow())
            clue = repository.clue(uow.session, _clue_id(number))
            uow.commit()
    except HubError as exc:
        return redirect_with(f"/office/clues/{number}", error=_message(exc))
    response = templates.TemplateResponse(request, template, {
        "user": user, "clue": clue, "number": number, name: shown, **extra})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/reveals", response_class=HTMLResponse)
def reveals_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    if user.role not in reveal.APPROVER_ROLES | reveal.REVEAL_ROLES:
        raise Forbidden("只有科长和领导可以使用身份查看审批")
    with hub.uow(write=False) as uow:
        pending = repository.pending_requests(uow.session)
        decided = repository.recent_decided(uow.session)
        ids = {r.clue_id for r in pending + decided}
        users = {u.id: u for u in accounts.users(uow.session)}
        clues = repository.clues_by_id(uow.session, ids)
    return templates.TemplateResponse(request, "reveals.html", {
        "user": user, "pending": pending, "decided": decided, "users": users, "clues": clues,
        "can_approve": user.role in reveal.APPROVER_ROLES, "clue_no": clue_no,
        "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})


@router.post("/reveals/{request_id}/decide")
def decide(request: Request, request_id: int, user: PageUser, hub: HubDep,
           csrf: Annotated[str, Form()], decision: Annotated[str, Form()],
           note: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    try:
        with hub.uow() as uow:
            reveal.decide_reveal(uow.session, user, request_id, decision == "approve", note,
                                 where(request), utcnow(), hub.settings.reveal_valid_hours)
            uow.commit()
    except HubError as exc:
        return redirect_with("/office/reveals", error=_message(exc))
    word = "已批准" if decision == "approve" else "未批准"
    return redirect_with("/office/reveals", message=f"申请 {request_id} {word}")


@router.post("/clues/{number}/hold")
def set_or_release_hold(request: Request, number: str, user: PageUser, hub: HubDep,
                        csrf: Annotated[str, Form()], action: Annotated[str, Form()],
                        reason: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    back = f"/office/clues/{number}"
    try:
        service.check_hold_role(user)
        with hub.uow() as uow:
            kwargs = {"actor": audit.user_actor(user), "by_name": f"user:{user.username}",
                      "where": where(request), "now": utcnow()}
            if action == "release":
                service.release_hold(uow.session, _clue_id(number), **kwargs)
            else:
                service.set_hold(uow.session, _clue_id(number), reason, **kwargs)
            uow.commit()
    except HubError as exc:
        return redirect_with(back, error=_message(exc))
    return redirect_with(back, message="已解除法律保留" if action == "release" else "已设置法律保留")
