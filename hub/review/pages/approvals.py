"""Decisions waiting for a section head (科长审批): the list, approving, sending back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.errors import Forbidden
from hub.review import repository, service
from hub.review.pages.common import accounts_names, client_ip, safe_next
from hub.web.actions import act
from hub.web.session import PageUser, check_csrf
from hub.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.post("/approvals/{proposal_id}/approve")
def approve(request: Request, proposal_id: int, user: PageUser, hub: HubDep,
            csrf: Annotated[str, Form()], back: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)

    def run(session) -> str:  # noqa: ANN001
        made = service.approve(session, user, proposal_id, "page", cipher=hub.cipher,
                               settings=hub.settings, ip=client_ip(request))
        return f"已批准：{service.KIND_LABELS[made.kind]}"
    return act(hub, safe_next(back or "/office/approvals"), run)


@router.post("/approvals/{proposal_id}/return")
def send_back(request: Request, proposal_id: int, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], note: Annotated[str, Form()] = "",
              back: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)

    def run(session) -> str:  # noqa: ANN001
        service.send_back(session, user, proposal_id, note, "page", ip=client_ip(request))
        return "已退回，线索仍为待研判"
    return act(hub, safe_next(back or "/office/approvals"), run)


@router.get("/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    """Decisions waiting for a section head (科长审批)."""
    if not user.can_review:
        raise Forbidden("只有科员、科长和领导可以查看待审批的决定")
    with hub.uow(write=False) as uow:
        waiting = repository.pending_proposals(uow.session)
        clues = {c.id: c for c in repository.clues_by_ids(uow.session,
                                                         [p.clue_id for p in waiting])}
        people = accounts_names(uow.session)
    return templates.TemplateResponse(request, "approvals.html", {
        "user": user, "waiting": waiting, "clues": clues, "people": people,
        "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})
