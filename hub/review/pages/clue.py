"""A clue's page, deciding (one clue, or the queue's ticked lot), merging it as a duplicate,
picking its subject units."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub import audit
from hub.api.deps import HubDep
from hub.correlate import service as correlation
from hub.db.types import utcnow
from hub.directory import service as directory
from hub.errors import Conflict, FieldError, HubError, InvalidInput
from hub.intake.present import clue_no, parse_clue_no
from hub.privacy import service as privacy_service
from hub.review import repository, service
from hub.review.decisions import DecisionRequest
from hub.review.pages.common import (
    accounts_names,
    client_ip,
    number_to_id,
    safe_next,
    with_notice,
)
from hub.route.service import clue_id_of
from hub.web.actions import act, actor, error_text, require_reviewer
from hub.web.actors import actor_names
from hub.web.session import PageUser, check_csrf
from hub.web.templating import region_name, templates

router = APIRouter(include_in_schema=False)


@router.post("/clues/{number}/merge")
def merge_one(request: Request, number: str, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], into: Annotated[str, Form()] = "",
              back: Annotated[str, Form()] = "") -> RedirectResponse:
    """Merge this clue as a duplicate into `into` (from the clue's cluster panel)."""
    check_csrf(user, csrf)
    decision = DecisionRequest("merge", into)
    return _decide(hub, user, [number_to_id(number)], decision,
                   safe_next(back or f"/office/clues/{number}"), client_ip(request))


@router.get("/clues/{number}", response_class=HTMLResponse)
def clue_page(request: Request, number: str, user: PageUser, hub: HubDep) -> HTMLResponse:
    params = request.query_params
    return _clue(request, number, user, hub, message=params.get("message"),
                 error=params.get("error"))


def _clue(request: Request, number: str, user, hub, *, form: dict | None = None,  # noqa: ANN001
          message: str | None = None, error: str | None = None,
          status_code: int = 200) -> HTMLResponse:
    """A clue's page; `form`: what was typed into the decision form (kept after an error),
    else the form as the routing proposal fills it."""
    parsed = parse_clue_no(number)
    params = request.query_params
    with hub.uow() as uow:
        view = service.clue_view(uow.session, hub.cipher, parsed[1] if parsed else -1)
        cluster = correlation.panel(uow.session, clue_id=view.clue.id, region_name=region_name)
        picking = _picker_search(uow.session, view.clue, params)
        privacy = privacy_service.panel(uow.session, view.clue, user, utcnow())
        proposed = service.decision_form(uow.session, view, hub.settings)
        merged = service.merged_view(uow.session, view.clue.id)
        duplicates = service.duplicates_pending(uow.session, view.clue.id)
        merge_options = service.merge_suggestions(uow.session, view.clue.id)
        waiting = repository.pending_proposals(uow.session, [view.clue.id])
        owner = repository.owner_of(uow.session, view.clue.id)
        names = repository.user_names(uow.session)
        ids = {u.id: u for u in repository.reviewers(uow.session)}
        people = accounts_names(uow.session)
        actors = actor_names(uow.session)
        audit.record(uow.session, actor=audit.user_actor(user), action="clue.viewed",
                     target=f"clue:{view.clue.id}", via="page", ip=client_ip(request),
                     after={"raw_record": view.raw.id, "shown": "masked"})
        uow.commit()
    return templates.TemplateResponse(request, "clue.html", {
        "user": user, "v": view, "cluster": cluster, "picking": picking, "privacy": privacy,
        "subjects": directory.subject_rows(view.clue.subjects),
        "form": {**proposed, **(form or {})}, "proposed": proposed,
        "waiting": waiting, "owner": people.get(owner.user_id) if owner else None,
        "names": names, "people": people, "actors": actors, "reviewers": list(ids.values()),
        "approval_kinds": hub.settings.decision_approval_kinds,
        "merged": merged, "duplicates": duplicates, "merge_options": merge_options,
        "cluster_lead": next((clue_no(m.clue.id, m.clue.received_at) for m in cluster.members
                              if m.is_lead), None) if cluster else None,
        "message": message, "error": error}, status_code=status_code)


def _picker_search(session, clue, params) -> dict | None:  # noqa: ANN001
    """Search results for the subject picker (`?pick=INDEX&body_q=WORDS`), or None."""
    pick, words = params.get("pick", ""), (params.get("body_q") or "").strip()
    if not pick.isdigit() or not words:
        return None
    found = directory.search(session, words, clue.region_code, limit=15)
    return {"index": int(pick), "q": words, "bodies": found}


@router.post("/clues/{number}/decide")
def decide_one(request: Request, number: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
               kind: Annotated[str, Form()], target: Annotated[str, Form()] = "",
               reason: Annotated[str, Form()] = "", co_handlers: Annotated[str, Form()] = "",
               instructions: Annotated[str, Form()] = "",
               reply_days: Annotated[str, Form()] = "", complete_days: Annotated[str, Form()] = "",
               share_reporter: Annotated[bool, Form()] = False, into: Annotated[str, Form()] = "",
               with_duplicates: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    parsed = parse_clue_no(number)
    back = f"/office/clues/{number}"
    co = tuple(re.split(r"[；;\n]", co_handlers))
    typed = {"kind": kind, "target": target, "reason": reason, "co_handlers": co_handlers,
             "instructions": instructions, "reply_days": reply_days,
             "complete_days": complete_days, "share_reporter": share_reporter, "into": into,
             "with_duplicates": with_duplicates}
    try:
        days = {name: _days(value, name) for name, value in
                (("reply_days", reply_days), ("complete_days", complete_days))}
        decision = DecisionRequest(kind, into if kind == "merge" else target, reason,
                                   co_handlers=co, instructions=instructions,
                                   share_reporter=share_reporter,
                                   with_duplicates=with_duplicates and kind != "merge", **days)
        with hub.uow() as uow:
            message = service.decide_or_propose(
                uow.session, user, [parsed[1] if parsed else -1], decision, via="page",
                cipher=hub.cipher, settings=hub.settings, ip=client_ip(request))
            uow.commit()
    except (InvalidInput, Conflict) as exc:  # the form again, as typed, with the reason
        return _clue(request, number, user, hub, form=typed, error=error_text(exc),
                     status_code=exc.status_code)
    return with_notice(back, message=message)


def _days(value: str, name: str = "reply_days") -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput([FieldError([name], "期限应填写工作日天数（整数），如 5")])
    return int(value)


@router.post("/queue/decide")
async def decide_many(request: Request, user: PageUser, hub: HubDep) -> RedirectResponse:
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    ids = [int(v) for v in form.getlist("clue") if str(v).isdigit()]
    back = "/office/queue" + (f"?{form.get('back')}" if form.get("back") else "")
    if not ids:
        return with_notice(back, error="请先勾选线索")
    kind = str(form.get("kind", ""))
    target = str(form.get("into" if kind == "merge" else "target", "") or "")
    request_ = DecisionRequest(kind, target, str(form.get("reason", "")))
    return _decide(hub, user, ids, request_, back, client_ip(request))


def _decide(hub, user, ids: list[int], request: DecisionRequest, back: str,  # noqa: ANN001
            ip: str | None = None) -> RedirectResponse:
    try:
        with hub.uow() as uow:
            message = service.decide_or_propose(uow.session, user, ids, request, via="page",
                                                cipher=hub.cipher, settings=hub.settings, ip=ip)
            uow.commit()
    except HubError as exc:
        detail = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
        return with_notice(back, error=detail)
    return with_notice(back, message=message)


@router.post("/clues/{number}/subjects/{index}")
def pick_page(number: str, index: int, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], body_id: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    require_reviewer(user)

    def run(session: Any) -> str:
        if not body_id.isdigit():
            raise InvalidInput([FieldError(["body_id"], "请选择名录中的单位")])
        made = directory.set_subject(session, clue_id_of(session, number), index, int(body_id),
                                     actor(user), now=utcnow())
        return f"第 {index + 1} 个被反映单位已确定为“{made['resolved_name']}”"

    return act(hub, f"/office/clues/{number}", run)
