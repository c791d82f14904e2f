"""The office's archive pages: find a file (案卷), open it, export it (zip), verify it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hub.api.deps import HubDep
from hub.archive import service
from hub.web.session import PageUser
from hub.web.templating import add_template_folder, register_event_labels, templates

router = APIRouter(prefix="/office/archive", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
register_event_labels({"archive.opened": "立卷归档", "archive.reopened": "回头看：案卷所涉事项重新办理"})


@router.get("", response_class=HTMLResponse)
def list_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    service.require_see(user)
    q = request.query_params.get("q", "")
    with hub.uow(write=False) as uow:
        rows = service.listing(uow.session, q)
    return templates.TemplateResponse(request, "archive.html", {"user": user, "rows": rows,
                                                                "q": q})


@router.get("/{number}", response_class=HTMLResponse)
def file_page(request: Request, number: str, user: PageUser, hub: HubDep) -> HTMLResponse:
    service.require_see(user)
    with hub.uow(write=False) as uow:
        v = service.view(uow.session, number)
        verdict = (service.verify_file(uow.session, hub.cipher, hub.signing_key, number)
                   if v["file"].content_enc is not None else None)
    return templates.TemplateResponse(request, "archive_file.html", {
        "user": user, "v": v, "f": v["file"], "verdict": verdict})


@router.get("/{number}/export")
def export(number: str, user: PageUser, hub: HubDep) -> Response:
    service.require_see(user)
    with hub.uow() as uow:
        file, content = service.export(uow.session, hub.cipher, number,
                                       actor=f"user:{user.username}", via="page")
        uow.commit()
    name = quote(service.export_name(file))
    return Response(content, media_type="application/zip", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "X-Secrecy": quote(file.secrecy), "X-Content-Type-Options": "nosniff"})
