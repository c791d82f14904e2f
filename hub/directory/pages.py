"""The office's side of the directory: the administrator's page (list, search, import a
CSV/XLSX file, add an alias) and the search behind the reviewer's pick of the body a clue's subject is
(`hub.directory.endpoints`; the pick itself is on the clue's page, hub.review).

Partner agencies see subjects only as they sent them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.db.types import utcnow
from hub.errors import HubError
from hub.web.actions import (
    act,
    error_text,
    redirect_with,
    require_admin,
)
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, register_event_labels, templates

from . import repository, service
from .importer import import_file
from .rows import LEVEL_LABELS
from .sheet import SheetError

router = APIRouter()
MAX_UPLOAD = 5 * 1024 * 1024
add_template_folder(Path(__file__).resolve().parent / "templates")
register_event_labels({"subject_set": "指定被反映单位"})


@router.get("/office/directory", response_class=HTMLResponse, include_in_schema=False)
def directory_page(request: Request, user: PageUser, hub: HubDep, q: str = "",
                   region: str = "") -> HTMLResponse:
    require_admin(user)
    with hub.uow() as uow:
        service.ensure_seeded(uow.session, now=utcnow())
        bodies, total = repository.find(uow.session, q=q.strip() or None,
                                        region_code=region.strip() or None)
        names = repository.names_by_id(uow.session)
        uow.commit()
    params = request.query_params
    return templates.TemplateResponse(request, "directory.html", {
        "user": user, "bodies": bodies, "total": total, "q": q, "region": region,
        "names": names, "levels": LEVEL_LABELS, "message": params.get("message"),
        "error": params.get("error"), "refused": params.getlist("refused")})


@router.post("/office/directory/import", include_in_schema=False)
async def import_page(user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                      file: Annotated[UploadFile, File()],
                      replace: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    require_admin(user)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return redirect_with("/office/directory", error="文件超过 5 MB")
    suffix = Path(file.filename or "").suffix.lower()
    try:
        report = _import(hub, data, suffix, replace)
    except (SheetError, HubError) as exc:
        text = error_text(exc) if isinstance(exc, HubError) else str(exc)
        return redirect_with("/office/directory", error=f"导入失败：{text}")
    refused = "；".join(f"第 {r.line} 行（{r.name}）：{r.reason}" for r in report.refused[:20])
    return redirect_with("/office/directory", message=f"导入完成：{report.summary()}",
                         **({"error": f"未导入的行：{refused}"} if refused else {}))


def _import(hub, data: bytes, suffix: str, replace: bool):  # noqa: ANN001, ANN202
    if suffix not in (".csv", ".xlsx"):
        raise SheetError(f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .csv 或 .xlsx 文件")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        with hub.uow() as uow:
            report = import_file(uow.session, path, now=utcnow(), replace=replace)
            uow.commit()
    return report


@router.post("/office/directory/{body_id}/alias", include_in_schema=False)
def alias_page(body_id: int, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
               alias: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    require_admin(user)

    def run(session: Any) -> str:
        body = service.add_alias(session, body_id, alias, now=utcnow())
        return f"已为“{body.name}”添加简称“{alias.strip()}”"

    return act(hub, f"/office/directory?{urlencode({'q': alias.strip()})}", run)
