"""The overview page (工作台) at /office/: the first page after logging in."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.overview import service
from hub.web.session import PageUser
from hub.web.templating import add_template_folder, templates
from hub.workdays import shanghai_today

router = APIRouter(prefix="/office", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")


@router.get("", include_in_schema=False)
def office_root() -> RedirectResponse:
    return RedirectResponse("/office/", status_code=303)


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    with hub.uow(write=False) as uow:
        view = service.overview(uow.session, user, today=shanghai_today())
    return templates.TemplateResponse(request, "overview.html", {"user": user, "o": view})
