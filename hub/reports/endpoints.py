"""The report as JSON, .docx and .xlsx (`/api/v1/reports/...`).

Office users (session cookie) get any month, live, and every issued version; partner
agencies (API key) get the issued versions shared with them, in the partner form (JSON).
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hub.accounts.service import OfficePrincipal
from hub.agencies.service import AgencyPrincipal
from hub.api.deps import HubDep, _bearer
from hub.api.responses import JSONResponse
from hub.container import Hub
from hub.errors import Forbidden, NotFound
from hub.web.session import api_user

from . import issue as issued
from . import registry, repository
from .build import build, context
from .figures import REGISTRY
from .scope import Scope, parse_month, region_prefix

router = APIRouter(prefix="/api/v1/reports", tags=["reports 月报"])
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "json": "application/json"}


def _caller(request: Request) -> OfficePrincipal | AgencyPrincipal:
    token = _bearer(request)
    if token:
        return request.app.state.keys.authenticate(token)
    return api_user(request)


def split_suffix(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    return (stem, suffix) if dot and suffix in MEDIA else (name, "json")


def scope_of(period: str, region: str | None) -> Scope:
    year, month = parse_month(period)
    region_prefix(region)  # validates
    return Scope(year, month, region or None)


def download(data: bytes, suffix: str, filename: str) -> Response:
    if suffix == "json":
        return Response(data, media_type=MEDIA["json"])
    return Response(data, media_type=MEDIA[suffix], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def file_name(scope: Scope, area: str, suffix: str) -> str:
    kind = "联席会议月报" if suffix == "docx" else "台账"
    return f"{area}{scope.label}{kind}.{suffix}"


@router.get("", summary="已印发的月报（协作单位：与本单位共享的）")
def list_reports(request: Request, hub: HubDep) -> JSONResponse:
    who = _caller(request)
    agency = who.agency_id if isinstance(who, AgencyPrincipal) else None
    with hub.uow(write=False) as uow:
        rows = issued.issued_list(uow.session, agency)
        items = [issued.summary(r) for r in rows]
    return JSONResponse({"reports": items})


@router.get("/monthly/{period}", summary="月报（JSON；路径以 .docx / .xlsx 结尾取得文件）")
def monthly(period: str, request: Request, hub: HubDep, region: str | None = None) -> Response:
    who = _caller(request)
    stem, suffix = split_suffix(period)
    scope = scope_of(stem, region)
    if isinstance(who, AgencyPrincipal):
        return _partner_monthly(hub, who, scope, suffix)
    name = hub.settings.office_name
    with hub.uow(write=False) as uow:
        report = build(uow.session, scope, office_name=name)
        if suffix == "json":
            return JSONResponse(report)
        data = (issued.docx_bytes(report) if suffix == "docx"
                else issued.xlsx_bytes(uow.session, scope, report))
    return download(data, suffix, file_name(scope, report["area"], suffix))


def _partner_monthly(hub: Hub, who: AgencyPrincipal, scope: Scope, suffix: str) -> Response:
    if suffix != "json":
        raise Forbidden("协作单位只能取得共享月报的 JSON 数据")
    with hub.uow(write=False) as uow:
        rows = [r for r in issued.issued_list(uow.session, who.agency_id)
                if r.period == scope.key and r.area == (scope.region or "")]
        if not rows:
            raise NotFound(f"{scope.label}的月报尚未与本单位共享")
        return Response(rows[0].partner_json, media_type=MEDIA["json"])


@router.get("/monthly/{period}/figures/{key}", summary="一个指标背后的线索或移交（办公室）")
def figure_records(period: str, key: str, request: Request, hub: HubDep,
                   group: str | None = None, region: str | None = None) -> JSONResponse:
    if not isinstance(_caller(request), OfficePrincipal):
        raise Forbidden("只有办公室用户可以查看指标背后的记录")
    scope = scope_of(period, region)
    figure = REGISTRY.figures.get(key)
    if figure is None:
        raise NotFound("没有这个统计指标")
    with hub.uow(write=False) as uow:
        ctx = context(uow.session, scope)
        ids = registry.ids(figure, ctx, group)
        numbers = repository.record_numbers(uow.session, figure.of, ids)
    return JSONResponse({"figure": key, "label": figure.label, "definition": figure.definition,
                         "group": group, "of": figure.of, "count": len(ids), "records": numbers})


@router.get("/issued/{name}", summary="一份已印发月报的原件（JSON；.docx / .xlsx 仅办公室）")
def issued_report(name: str, request: Request, hub: HubDep) -> Response:
    who = _caller(request)
    stem, suffix = split_suffix(name)
    if not stem.isdigit():
        raise NotFound("没有这份已印发的月报")
    agency = who.agency_id if isinstance(who, AgencyPrincipal) else None
    if agency is not None and suffix != "json":
        raise Forbidden("协作单位只能取得共享月报的 JSON 数据")
    with hub.uow(write=False) as uow:
        row = issued.get_issued(uow.session, int(stem), agency)
        data = {"json": row.partner_json if agency is not None else row.report_json,
                "docx": row.docx, "xlsx": row.xlsx}[suffix]
        sha = {"json": row.partner_json_sha256 if agency is not None else row.json_sha256,
               "docx": row.docx_sha256, "xlsx": row.xlsx_sha256}[suffix]
        scope = Scope(*parse_month(row.period), row.area or None, as_of=datetime.now(UTC))
    response = download(data, suffix, f"{scope.label}月报第{row.version}版.{suffix}")
    response.headers["X-Content-SHA256"] = sha
    return response
