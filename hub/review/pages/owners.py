"""Owners (承办人) of clues and hand-offs, internal notes, 我的待办."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.review import service
from hub.review.pages.common import client_ip, number_to_id
from hub.web.actions import act
from hub.web.session import PageUser, check_csrf
from hub.web.templating import register_globals, templates

router = APIRouter(include_in_schema=False)


def handoff_owner(request: Request, handoff) -> service.HandoffOwnerView:  # noqa: ANN001
    """For a hand-off's page (hub.handoffs knows nothing of owners): its 承办人 and whom a
    section head may assign."""
    with request.app.state.hub.uow(write=False) as uow:
        return service.handoff_owner_view(uow.session, handoff.id, handoff.clue_id)


register_globals(handoff_owner=handoff_owner)


@router.post("/handoffs/{number}/owner")
def set_handoff_owner(request: Request, number: str, user: PageUser, hub: HubDep,
                      csrf: Annotated[str, Form()],
                      owner: Annotated[str, Form()] = "") -> RedirectResponse:
    """A section head assigns the hand-off (承办人); a reviewer takes it."""
    check_csrf(user, csrf)
    target = int(owner) if owner.isdigit() else None
    return act(hub, f"/office/handoffs/{number}", lambda session: "移交承办人：" + (
        service.assign_handoff_owner(session, user, number, target, "page", ip=client_ip(request))))


@router.post("/clues/{number}/owner")
def set_owner(request: Request, number: str, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], owner: Annotated[str, Form()] = "") -> RedirectResponse:
    """A section head assigns the clue (承办人); a reviewer takes it (owner empty or "me")."""
    check_csrf(user, csrf)
    target = int(owner) if owner.isdigit() else None
    return act(hub, f"/office/clues/{number}", lambda session: "承办人：" + service.assign_owner(
        session, user, number_to_id(number), target, "page", ip=client_ip(request)))


@router.post("/clues/{number}/notes")
def add_note(request: Request, number: str, user: PageUser, hub: HubDep,
             csrf: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)

    def run(session) -> str:  # noqa: ANN001
        service.add_note(session, user, number_to_id(number), note, "page", ip=client_ip(request))
        return "内部备注已记入处理记录（仅办公室可见）"
    return act(hub, f"/office/clues/{number}", run)


@router.get("/mine", response_class=HTMLResponse)
def mine_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    """我的待办: the clues I own waiting for review, the hand-offs I follow waiting on the
    office (a final reply to verify, a hand-off returned), approvals waiting on me."""
    with hub.uow(write=False) as uow:
        work = service.my_work(uow.session, user)
    return templates.TemplateResponse(request, "mine.html", {
        "user": user, "w": work, "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})
