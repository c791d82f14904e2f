"""The office's report pages (Chinese): the month with its charts, the records behind each
figure, the issued reports with their hashes, issuing again and sharing."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.db.uow import IntegrityError
from hub.errors import Forbidden, HubError, NotFound
from hub.handoffs.states import LABELS as STATE_LABELS
from hub.intake.present import clue_no
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, templates
from hub.workdays import shanghai_today

from . import issue as issued
from . import registry, repository
from .build import build, context, subject_name
from .endpoints import scope_of
from .figures import HANDOFF_KINDS, REGISTRY
from .scope import Scope

router = APIRouter(prefix="/office/reports", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
# SPEC §3: reports are the section heads' and leaders'; administrators manage configuration.
ISSUERS = frozenset({"section_head", "leader"})


def _last_month() -> str:
    today = shanghai_today()
    return Scope(today.year, today.month).previous().key


@router.get("", response_class=HTMLResponse)
def issued_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    with hub.uow(write=False) as uow:
        rows = issued.issued_list(uow.session)
        shares = issued.shares_of(uow.session, [r.id for r in rows])
        agencies = repository.active_agencies(uow.session)
    return templates.TemplateResponse(request, "reports.html", {
        "user": user, "rows": rows, "shares": shares, "agencies": agencies,
        "last_month": _last_month(), "can_issue": user.role in ISSUERS,
        "message": request.query_params.get("message"), "error": request.query_params.get("error")})


@router.post("/issue")
def issue_now(user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
              period: Annotated[str, Form()],
              region: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    if user.role not in ISSUERS:
        raise Forbidden("只有科长和领导可以印发月报")
    try:
        scope = scope_of(period.strip(), region.strip() or None)
        row = issued.issue_apart(hub, scope, by=f"user:{user.user_id}")
        label = f"已印发{scope.label}月报第 {row.version} 版"
    except IntegrityError:
        return _back(error="同一月报正在由他人印发，请刷新后重试")
    except HubError as exc:
        detail = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
        return _back(error=detail)
    return _back(message=label)


@router.post("/{report_id}/share")
def share(report_id: int, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
          agency: Annotated[int, Form()]) -> RedirectResponse:
    check_csrf(user, csrf)
    if user.role not in ISSUERS:
        raise Forbidden("只有科长和领导可以共享月报")
    with hub.uow() as uow:
        made = issued.share(uow.session, report_id, agency, f"user:{user.user_id}")
        name = repository.agency_name(uow.session, agency)
        uow.commit()
    return _back(message=f"已与{name}共享" if made else f"此前已与{name}共享")


def _back(**params: str) -> RedirectResponse:
    from urllib.parse import urlencode

    return RedirectResponse(f"/office/reports?{urlencode(params)}", status_code=303)


@router.get("/monthly/{period}", response_class=HTMLResponse)
def month_page(period: str, request: Request, user: PageUser, hub: HubDep,
               region: str | None = None) -> HTMLResponse:
    scope = scope_of(period, region or None)
    with hub.uow(write=False) as uow:
        report = build(uow.session, scope, office_name=hub.settings.office_name)
    from .charts import charts  # matplotlib: imported by the first report page, not at start

    images = {k: base64.b64encode(v).decode() for k, v in charts(report).items()}
    return templates.TemplateResponse(request, "month.html", {
        "user": user, "r": report, "images": images, "scope": scope,
        "previous": scope.previous().key, "next": scope.shifted(1).key,
        "query": f"?region={scope.region}" if scope.region else ""})


@router.get("/monthly/{period}/figures/{key}", response_class=HTMLResponse)
def figure_page(period: str, key: str, request: Request, user: PageUser, hub: HubDep,
                group: str | None = None, region: str | None = None) -> HTMLResponse:
    scope = scope_of(period, region or None)
    figure = REGISTRY.figures.get(key)
    if figure is None:
        raise NotFound("没有这个统计指标")
    with hub.uow(write=False) as uow:
        ctx = context(uow.session, scope)
        value = registry.count(figure, ctx)
        ids = registry.ids(figure, ctx, group)
        rows = _records(uow.session, figure.of, ids[:2000])
        group_label = value.labels.get(group, group) if group else None
    return templates.TemplateResponse(request, "figure.html", {
        "user": user, "f": figure, "value": value, "group": group, "group_label": group_label,
        "count": len(ids), "rows": rows, "scope": scope, "truncated": len(ids) > 2000})


def _records(session, of: str, ids: list[int]) -> list[dict]:  # noqa: ANN001
    if not ids:
        return []
    if of == "clue":
        clues = repository.clues(session, ids)
        return [{"no": clue_no(c.id, c.received_at), "title": c.title, "channel": c.channel,
                 "when": c.received_at, "subject": subject_name(c.subjects),
                 "href": f"/office/clues/{clue_no(c.id, c.received_at)}"} for c in clues]
    rows = repository.handoffs_with_clues(session, ids)
    return [{"no": h.number, "title": c.title, "kind": HANDOFF_KINDS.get(h.kind, h.kind),
             "receiver": h.receiver_name, "state": STATE_LABELS.get(h.state, h.state),
             "due_on": h.due_on, "when": h.sent_at, "subject": subject_name(c.subjects),
             "clue": clue_no(c.id, c.received_at),
             "href": f"/office/clues/{clue_no(c.id, c.received_at)}"} for h, c in rows]
