"""`GET /api/v1/keys`: the hub's public key, for partners verifying webhook signatures.
`GET /api/v1/clues[/{id}]`: a sending agency reads its clues back, with what came of them
(成果共享: decision, hand-offs' public state, the verified outcome)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from hub.api.deps import ClueReader, HubDep
from hub.api.responses import JSONResponse
from hub.errors import FieldError, InvalidInput, NotFound
from hub.handoffs.schemas import CluePage, SharedClueOut
from hub.intake import repository as intake_repository
from hub.intake.present import clue_no, parse_clue_no
from hub.notify import repository
from hub.notify.sharing import shared_clue

router = APIRouter(prefix="/api/v1", tags=["keys 公钥"])
clues_router = APIRouter(prefix="/api/v1", tags=["clues 线索"])
_ERRORS = {
    401: {"description": "缺少、无效、已过期或已吊销的 API 密钥；请求签名无效、过期或重放"},
    403: {"description": "密钥没有所需权限范围，或来源 IP 不在允许范围内"},
    404: {"description": "没有这条线索，或不是本单位推送的"},
    422: {"description": "参数有误：每个出错字段一条，含 loc 与 msg"},
    429: {"description": "请求过于频繁；Retry-After 给出可重试的秒数"},
}


@router.get("/keys", summary="平台签名公钥（Ed25519），用于校验回调签名；无需认证")
def keys(hub: HubDep) -> dict:
    key = hub.signing_key
    return {"keys": [{
        "key_id": key.key_id, "algorithm": "Ed25519",
        "public_key_pem": key.public_pem(),
        "public_key_raw_b64": base64.b64encode(key.public_raw).decode(),
        "signed_message": "X-Hub-Timestamp + '.' + body",
    }]}


@clues_router.get("/clues", response_model=CluePage,
                  responses={k: v for k, v in _ERRORS.items() if k != 404},
                  summary="本单位推送的线索及办理情况（按变更时间翻页）")
def list_clues(agency: ClueReader, hub: HubDep, updated_since: datetime | None = None,
               cursor: str | None = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> JSONResponse:
    if updated_since is not None and updated_since.tzinfo is None:
        raise InvalidInput([FieldError(["query", "updated_since"],
                                       "更新时间（updated_since）：须带时区，例如 +08:00")])
    with hub.uow(write=False) as uow:
        page = repository.sent_clues(uow.session, agency.agency_id, updated_since=updated_since,
                                     cursor=cursor, limit=limit)
        items = [shared_clue(uow.session, c) for c in page.clues]
    return JSONResponse({"clues": items, "next_cursor": page.next_cursor})


@clues_router.get("/clues/{clue_id}", response_model=SharedClueOut, responses=_ERRORS,
                  summary="读取本单位推送的线索（含研判结果、移交状态与验收后的办理结果）")
def get_clue(clue_id: str, agency: ClueReader, hub: HubDep) -> JSONResponse:
    parsed = parse_clue_no(clue_id)
    with hub.uow(write=False) as uow:
        clue = (intake_repository.get_clue(uow.session, agency.agency_id, parsed[1])
                if parsed else None)
        if clue is None or clue_no(clue.id, clue.received_at) != clue_id:
            raise NotFound(f"没有找到线索 {clue_id}（或不属于本单位）")
        return JSONResponse(shared_clue(uow.session, clue))
