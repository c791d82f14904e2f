"""`/api/v1/clues`: partner agencies push clues and read back their own."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from hub import audit
from hub.api.deps import ClueWriter, HubDep, read_body
from hub.api.errors import error_body
from hub.api.responses import JSONResponse
from hub.container import Hub
from hub.contract.v1 import BatchResult, ClueAttachmentOut, ClueOut
from hub.errors import InvalidInput, NotFound, PayloadTooLarge
from hub.intake import attachments, repository, service
from hub.intake.present import clue_no, parse_clue_no
from hub.intake.recorder import GroupWriter

router = APIRouter(prefix="/api/v1", tags=["clues 线索"])

_ERRORS = {
    401: {"description": "缺少、无效、已过期或已吊销的 API 密钥；请求签名无效、过期或重放"},
    403: {"description": "密钥没有所需权限范围，或来源 IP 不在允许范围内"},
    413: {"description": "请求体超过 1 MiB"},
    422: {"description": "数据有误：每个出错字段一条，含 loc 与 msg"},
    429: {"description": "请求过于频繁；Retry-After 给出可重试的秒数"},
}


def _writer(request: Request) -> GroupWriter:
    return request.app.state.intake_writer


def _body(schema: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


@router.post(
    "/clues", status_code=201, response_model=ClueOut, openapi_extra=_body("ClueSubmission"),
    responses={200: {"description": "同一 source_ref 已接收过：返回已有线索", "model": ClueOut},
               **_ERRORS},
    summary="推送一条线索",
)
async def post_clue(request: Request, agency: ClueWriter) -> JSONResponse:
    hub: Hub = request.app.state.hub  # not HubDep: one dependency less on the hottest route
    writer = _writer(request)
    writer.opened()  # others wait a moment for a push being read (group commit)
    try:
        raw = await read_body(request, hub.settings.max_body_bytes)
        # Checking one clue takes a fraction of a millisecond: cheaper here than a thread hop.
        received = service.receive_one(hub.cipher, agency.agency_id, raw,
                                       hub.settings.max_json_depth)
    except BaseException:
        writer.closed()
        raise
    outcome = (await writer.push(received))[0]
    if outcome.errors is not None:
        raise InvalidInput(outcome.errors)
    return JSONResponse(outcome.clue, status_code=outcome.status)


@router.post(
    "/clues/batch", response_model=BatchResult, openapi_extra=_body("BatchSubmission"),
    responses=_ERRORS, summary="批量推送线索（最多 500 条，逐条答复）",
)
async def post_batch(request: Request, agency: ClueWriter) -> JSONResponse:
    hub: Hub = request.app.state.hub
    raw = await read_body(request, hub.settings.max_body_bytes)
    received = await run_in_threadpool(service.receive_batch, hub.cipher, agency.agency_id, raw,
                                       hub.settings.max_json_depth)
    outcome = await asyncio.wrap_future(_writer(request).submit(received))
    if received.refused_whole is not None:
        return JSONResponse(error_body("invalid_input", "批量请求体应为 {\"clues\": [...]}",
                                       outcome[0].errors), 422)
    results = []
    for index, item in enumerate(outcome):
        entry: dict = {"index": index, "status": item.status}
        if item.clue is not None:
            entry["clue"] = item.clue
        if item.errors is not None:
            entry["errors"] = [e.as_dict() for e in item.errors]
        results.append(entry)
    return JSONResponse({"results": results})


# Reading clues back (with what came of them: 成果共享) is hub.notify.endpoints.


@router.post(
    "/clues/{clue_id}/attachments", status_code=201, response_model=ClueAttachmentOut,
    responses={
        200: {"description": "同一附件（相同 SHA-256）已上传过：返回已存的附件",
              "model": ClueAttachmentOut},
        404: {"description": "没有这条线索，或不属于本单位"},
        413: {"description": "附件超过大小上限"},
        415: {"description": "附件类型不被接受，或内容与类型不符"},
        **{k: v for k, v in _ERRORS.items() if k != 413},
        422: {"description": "附件与推送时声明的不符（SHA-256 或大小），线索没有声明附件，"
                             "文件为空，或压缩包疑似压缩炸弹：错误信息指明不符之处"},
    },
    summary="上传线索附件（multipart，字段名 file；须与推送时声明的 sha256 和 size 一致）",
)
def post_clue_attachment(clue_id: str, request: Request, agency: ClueWriter, hub: HubDep,
                         file: Annotated[UploadFile, File(description="附件文件")]
                         ) -> JSONResponse:
    limit = hub.settings.clue_attachment_max_bytes
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + 64 * 1024:
        raise PayloadTooLarge(f"附件超过 {limit // (1024 * 1024) or 1} MiB 的上限")
    content = file.file.read(limit + 1)
    parsed = parse_clue_no(clue_id)
    with hub.uow() as uow:
        clue = repository.get_clue(uow.session, agency.agency_id, parsed[1]) if parsed else None
        if clue is None or clue_no(clue.id, clue.received_at) != clue_id:
            raise NotFound(f"没有找到线索 {clue_id}（或不属于本单位）")
        stored, new = attachments.upload_declared(
            uow.session, hub.cipher, clue, content, filename=file.filename,
            declared_type=file.content_type, max_bytes=limit,
            uploaded_by=f"agency:{agency.agency_id}")
        if new:
            audit.record(uow.session, actor=audit.agency_actor(agency.agency_id),
                         action="clue.attachment_uploaded", target=f"clue:{clue.id}", via="api",
                         ip=request.client.host if request.client else None,
                         after={"attachment": stored.id, "sha256": stored.sha256,
                                "size": stored.size, "media_type": stored.media_type})
        uow.commit()
        return JSONResponse(attachments.attachment_json(stored), 201 if new else 200)
