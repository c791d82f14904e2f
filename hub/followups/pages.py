"""The office's 回头看 page: follow-ups due (today's first), their findings, rescheduling."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.errors import HubError
from hub.followups import service
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, register_event_labels, templates

router = APIRouter(prefix="/office/followups", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
register_event_labels({"followup.scheduled": "安排回头看", "followup.consolidated": "回头看：整改巩固",
                       "followup.rebound": "回头看：问题反弹，重新交办"})
VIEWS = {"due": "已到期待办", "scheduled": "已安排", "done": "已回头看", "cancelled": "已取消",
         "all": "全部"}


@router.get("", response_class=HTMLResponse)
def list_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    service.require_see(user)
    params = request.query_params
    view = params.get("view") or "due"
    view = view if view in VIEWS else "due"
    mine = params.get("mine") in ("1", "true")
    with hub.uow(write=False) as uow:
        rows = service.listing(uow.session, user, view=view, mine=mine,
                               today=_today(hub))
    return templates.TemplateResponse(request, "followups.html", {
        "user": user, "rows": rows, "view": view, "views": VIEWS, "mine": mine,
        "message": params.get("message"), "error": params.get("error")})


def _today(hub) -> date:  # noqa: ANN001
    from hub.notify.jobs import office_today

    return office_today(hub)


@router.post("/{followup_id}/finding")
def finding(followup_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
            finding: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    try:
        with hub.uow() as uow:
            found = service.record_finding(uow.session, user, followup_id, finding, note=note,
                                           via="page", settings=hub.settings)
            uow.commit()
            label = service.FINDINGS[found.finding]
    except HubError as exc:
        return _back(error=_message(exc))
    return _back(view="done", message=f"已记录回头看结论：{label}"
                 + ("，已重新交办" if found.new_handoff_id else ""))


@router.post("/{followup_id}/schedule")
def schedule(followup_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
             due_on: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    try:
        day = date.fromisoformat(due_on) if due_on.strip() else None
        with hub.uow() as uow:
            found = service.reschedule(uow.session, user, followup_id, due_on=day, via="page")
            uow.commit()
    except ValueError:
        return _back(error="回头看日期格式不对，应为 2026-10-13 这样的年-月-日")
    except HubError as exc:
        return _back(error=_message(exc))
    if found.state == "cancelled":
        return _back(view="cancelled", message="已取消这次回头看")
    return _back(view="scheduled", message=f"回头看已改期至 {found.due_on.isoformat()}")


def _message(exc: HubError) -> str:
    return "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message


def _back(**params: str) -> RedirectResponse:
    return RedirectResponse(f"/office/followups?{urlencode(params)}", status_code=303)
