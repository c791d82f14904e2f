"""The queue and all clues (filtered, searched, paged), their saved filters and .xlsx exports."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.api.deps import HubDep
from hub.correlate import service as correlation
from hub.db.types import utcnow
from hub.intake.present import OFFICE_ZONE, clue_no
from hub.review import repository, service
from hub.review.decisions import STATUS_LABELS
from hub.review.pages.common import client_ip
from hub.route.service import rules_in_force
from hub.search.present import mark, mark_snippet
from hub.web.actions import act, xlsx_download
from hub.web.session import PageUser, check_csrf
from hub.web.templating import region_name, templates

router = APIRouter(include_in_schema=False)


def _filter(params, status: str | None = "pending_review") -> repository.QueueFilter:  # noqa: ANN001
    return repository.QueueFilter(
        status=status,
        channel=params.get("channel") or None, category=params.get("category") or None,
        region=params.get("region") or None, subject=params.get("subject") or None,
        q=(params.get("q") or "").strip()[:100] or None, sort=params.get("sort") or "newest",
        cluster=params.get("cluster") or ("multi" if params.get("multi") else None), rule=params.get("rule") or None)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, user: PageUser, hub: HubDep,
               cursor: str | None = None) -> HTMLResponse:
    params = request.query_params
    f = _filter(params)
    with hub.uow(write=False) as uow:
        page = repository.queue(uow.session, f, cursor)
        cap = repository.COUNT_CAP if repository.filtered(f) else None
        total = repository.count(uow.session, f, cap)
        notes = repository.notes(uow.session, [c.id for c in page.clues])
        rules = rules_in_force(uow.session)
        saved = service.saved_filters(uow.session, user, "queue")
        leads = correlation.leads_of(uow.session, [c.id for c in page.clues])
        lead_numbers = sorted({clue_no(c.id, c.received_at)
                               for c in repository.clues_by_ids(uow.session, list(set(leads.values())))})
    keep = {k: v for k, v in params.items() if k != "cursor" and v}
    return templates.TemplateResponse(request, "queue.html", {
        "user": user, "page": page, "total": total, "cap": cap, "f": f, "keep": keep, "notes": notes,
        "rules": rules, "saved": saved, "leads": lead_numbers,
        "current": service.filter_params("queue", params),
        "message": params.get("message"), "error": params.get("error")})


@router.get("/clues", response_class=HTMLResponse)
def clues_page(request: Request, user: PageUser, hub: HubDep,
               cursor: str | None = None) -> HTMLResponse:
    """Every clue, in every status: the search (ranked, words marked) and the queue's filters."""
    params = request.query_params
    status = params.get("status") or None
    f = _filter(params, status if status in STATUS_LABELS else None)
    with hub.uow(write=False) as uow:
        page = repository.queue(uow.session, f, cursor)
        total = repository.count(uow.session, f, repository.COUNT_CAP)
        notes = repository.notes(uow.session, [c.id for c in page.clues])
        rules = rules_in_force(uow.session)
    keep = {k: v for k, v in params.items() if k != "cursor" and v}
    return templates.TemplateResponse(request, "clues.html", {
        "user": user, "page": page, "total": total, "cap": repository.COUNT_CAP, "f": f,
        "keep": keep, "notes": notes, "rules": rules, "mark": mark, "mark_snippet": mark_snippet,
        "message": params.get("message"), "error": params.get("error")})


@router.get("/queue/export")
def queue_export(request: Request, user: PageUser, hub: HubDep) -> Response:
    """The queue as filtered, as .xlsx (the same filters as the page)."""
    return _export(request, user, hub, _filter(request.query_params), "queue")


@router.get("/clues/export")
def clues_export(request: Request, user: PageUser, hub: HubDep) -> Response:
    """All clues as filtered (`status` among them), as .xlsx."""
    status = request.query_params.get("status") or None
    return _export(request, user, hub,
                   _filter(request.query_params, status if status in STATUS_LABELS else None),
                   "clues")


def _export(request: Request, user, hub, f: repository.QueueFilter,  # noqa: ANN001
            scope: str) -> Response:
    service.require_exporter(user)
    stamp = utcnow().astimezone(OFFICE_ZONE).strftime("%Y%m%d-%H%M")

    def write(path: str) -> None:
        with hub.uow() as uow:
            service.export_clues(uow.session, user, f, path, via="page", scope=scope,
                                 ip=client_ip(request), region_name=region_name)
            uow.commit()

    return xlsx_download(write, f"{service.FILTER_SCOPES[scope]}-{stamp}.xlsx")


@router.post("/queue/filters")
def save_filter(request: Request, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                name: Annotated[str, Form()] = "", params: Annotated[str, Form()] = "",
                scope: Annotated[str, Form()] = "queue") -> RedirectResponse:
    """Keep the list's current filters (`params`, its query string) under a name."""
    from urllib.parse import parse_qsl

    check_csrf(user, csrf)
    typed = dict(parse_qsl(params[:2000]))
    page = "/office/clues" if scope == "clues" else "/office/queue"
    back = f"{page}?{urlencode(service.filter_params(scope, typed))}"
    return act(hub, back, lambda session: "已保存筛选条件“{}”".format(service.save_filter(
        session, user, name, typed, scope, via="page", ip=client_ip(request)).name))


@router.post("/queue/filters/{filter_id}/delete")
def delete_filter(request: Request, filter_id: int, user: PageUser, hub: HubDep,
                  csrf: Annotated[str, Form()]) -> RedirectResponse:
    check_csrf(user, csrf)
    return act(hub, "/office/queue", lambda session: "已删除筛选条件“{}”".format(
        service.delete_filter(session, user, filter_id, via="page", ip=client_ip(request))))
