"""`POST /api/v1/sources/{connector}/records`: a partner pushes its own native records.

They take the same path as pulled ones (kept raw, mapped, checked, recorded or dead-lettered),
and the answer goes item by item, in the order sent, like `/api/v1/clues/batch`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from hub.api.deps import ClueWriter, HubDep, read_body
from hub.api.errors import error_body
from hub.api.responses import JSONResponse
from hub.collect import service
from hub.container import Hub
from hub.contract import jsonbody
from hub.contract.messages import body_error
from hub.errors import FieldError, Forbidden
from hub.intake.recorder import record
from hub.intake.service import receive_items

router = APIRouter(prefix="/api/v1", tags=["sources 原始记录推送"])

_ANSWERS = {
    200: {"description": "逐条答复：201 新线索、200 已接收过、204 不是线索、422 无法映射（已进入死信）"},
    401: {"description": "缺少、无效或已吊销的 API 密钥"},
    403: {"description": "该密钥所属单位不是这个连接器对应的协作单位"},
    404: {"description": "没有这个连接器"},
    413: {"description": "请求体超过 1 MiB"},
    422: {"description": "请求体不是 {\"records\": [...]}，或超过条数上限"},
    429: {"description": "请求过于频繁；Retry-After 给出可重试的秒数"},
}


_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["records"], "additionalProperties": False,
    "properties": {"records": {
        "type": "array", "maxItems": 500, "items": {"type": "object"},
        "description": "本单位系统的原始记录，字段见 connectors/<连接器>/README.md"}}}}}}}


@router.post("/sources/{connector}/records", responses=_ANSWERS, openapi_extra=_BODY,
             summary="推送本单位系统的原始记录（最多 500 条，逐条答复）")
async def post_records(connector: str, request: Request, agency: ClueWriter,
                       hub: HubDep) -> JSONResponse:
    spec = service.connector_spec(connector)
    agency_id = await run_in_threadpool(service.connector_agency, hub, spec)
    if agency.agency_id != agency_id:
        raise Forbidden(f"该 API 密钥属于“{agency.name}”，不能向连接器“{connector}”"
                        f"（{spec.display_name_zh}）推送原始记录")
    raw = await read_body(request, hub.settings.max_body_bytes)
    records, errors = _envelope(raw, hub.settings.batch_max_items, hub.settings.max_json_depth)
    if errors:
        await run_in_threadpool(_keep_refused_body, hub, agency_id, connector, raw, errors)
        return JSONResponse(error_body("invalid_input", "请求体应为 {\"records\": [...]}",
                                       errors), 422)
    results = await run_in_threadpool(service.accept_items, hub, spec, agency_id, "push",
                                      records)
    return JSONResponse({"results": [result.as_json() for result in results]})


def _envelope(raw: bytes, max_items: int, max_depth: int
              ) -> tuple[list[jsonbody.Item], list[FieldError]]:
    """The records, each read on its own (one too deep or repeating a key becomes a dead
    letter, the others go on), or why the body as a whole is refused."""
    try:
        body, items = jsonbody.loads_items(raw, "records", max_depth)
    except jsonbody.JsonRefused as refused:
        return [], refused.errors
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return [], [body_error("请求体应为 JSON 对象，其中 records 为原始记录数组",
                               ("body", "records"), "model_type")]
    unknown = sorted(set(body) - {"records"})
    if unknown:
        return [], [body_error(f"不认识的字段：{'、'.join(unknown)}", ("body", unknown[0]),
                               "extra_forbidden")]
    if len(items) > max_items:
        return [], [body_error(f"原始记录列表（body.records）：最多 {max_items} 条",
                               ("body", "records"), "too_long")]
    return items, []


def _keep_refused_body(hub: Hub, agency_id: int, connector: str, raw: bytes,
                       errors: list[FieldError]) -> None:
    """A refused body is kept too: everything an authenticated partner sent stays on record."""
    record(hub, [receive_items(hub.cipher, agency_id, "push", raw, [errors],
                               connector=connector)])
