"""The office's documents page: issued documents (download), and the templates an
administrator replaces with a .docx edited in Word (placeholders like {{receiver}})."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.api.deps import HubDep
from hub.documents import render, repository, service
from hub.documents.endpoints import docx_response
from hub.errors import HubError, NotFound
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, templates

router = APIRouter(prefix="/office/documents", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


@router.get("", response_class=HTMLResponse)
def list_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    service.require_see(user)
    with hub.uow(write=False) as uow:
        rows = repository.recent(uow.session)
        custom = repository.templates(uow.session)
        numbers = repository.handoff_numbers(uow.session, rows)
    return templates.TemplateResponse(request, "documents.html", {
        "user": user, "rows": rows, "custom": custom, "kinds": service.KIND_LABELS,
        "fields": render.FIELDS, "numbers": numbers,
        "message": request.query_params.get("message"), "error": request.query_params.get("error")})


@router.get("/templates/{kind}")
def template_download(kind: str, user: PageUser, hub: HubDep) -> Response:
    service.require_see(user)
    if kind not in render.KINDS:
        raise NotFound(f"没有“{kind}”这种公文模板")
    with hub.uow(write=False) as uow:
        content = service.template_bytes(uow.session, kind)
    from urllib.parse import quote

    name = quote(f"{service.KIND_LABELS[kind]}模板.docx")
    return Response(content, media_type=service.DOCX,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


@router.post("/templates/{kind}")
def template_upload(kind: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                    file: Annotated[UploadFile | None, File()] = None,
                    reset: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    service.require_admin(user)
    try:
        with hub.uow() as uow:
            if reset:
                service.reset_template(uow.session, user, kind)
            else:
                content = file.file.read(MAX_TEMPLATE_BYTES + 1) if file is not None else b""
                if not content or len(content) > MAX_TEMPLATE_BYTES:
                    return _back(error="请选择不超过 5 MiB 的 Word（.docx）模板文件")
                service.set_template(uow.session, user, kind, content,
                                     file.filename if file else None)
            uow.commit()
    except HubError as exc:
        return _back(error="；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message)
    label = service.KIND_LABELS.get(kind, kind)
    return _back(message=f"已恢复{label}的默认模板" if reset else f"已更换{label}模板，此后出具的{label}按新模板生成")


@router.get("/{document_id}")
def download(document_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], user: PageUser, hub: HubDep) -> Response:
    service.require_see(user)
    with hub.uow(write=False) as uow:
        found = repository.get(uow.session, document_id)
        if found is None:
            raise NotFound(f"没有编号为 {document_id} 的公文")
        return docx_response(found)


def _back(**params: str) -> RedirectResponse:
    return RedirectResponse(f"/office/documents?{urlencode(params)}", status_code=303)
