"""The office's actions as JSON, for office integrations (`/api/v1/office/...`).

A script logs in with POST /api/v1/office/session (the cookie it gets back is its session)
and sends the session's CSRF token in the `X-CSRF-Token` header with every change.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from hub.accounts import service as accounts
from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.db.types import utcnow
from hub.directory import service as directory
from hub.errors import InvalidInput
from hub.handoffs.repository import numbers_by_decision as handoff_numbers
from hub.intake.present import clue_json, clue_no, parse_clue_no
from hub.review import repository, service
from hub.review.decisions import DecisionRequest
from hub.route.service import clue_id_of
from hub.web.actions import actor, require_reviewer
from hub.web.session import SESSION_COOKIE, ApiUser, check_csrf, cookie_secure

router = APIRouter(prefix="/api/v1/office", tags=["office 办公室"])


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    password: str


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clues: list[str] = Field(min_length=1, max_length=500, description="线索编号，如 XS-2026-000123")
    kind: Literal["accept", "decline", "assign", "refer", "transfer", "cc", "merge"]
    target: str | None = Field(None, max_length=200, description="主办单位：协作单位或名录中的单位；"
                                                             "合并（merge）时为并入的线索编号")
    reason: str | None = Field(None, max_length=2000)
    co_handlers: list[str] = Field(default_factory=list, max_length=20, description="协办单位")
    instructions: str | None = Field(None, max_length=5000, description="办理要求")
    reply_days: int | None = Field(None, ge=0, le=365, strict=True, description="初步反馈期限（工作日）")
    complete_days: int | None = Field(None, ge=0, le=365, strict=True, description="办结期限（工作日）")
    reply_due_on: date | None = None
    due_on: date | None = None
    share_reporter: bool = Field(False, strict=True, description="随移交提供反映人联系方式（仅接收单位可见）")
    with_duplicates: bool = Field(False, strict=True, description=(
        "同时处理本组重复线索：线索是线索组的主线索时，本组仍待研判的其他线索随本决定合并到主线索"
        "（受理、不予受理、交办、移送、转交、抄送时可用）"))


@router.post("/session", summary="办公室用户登录（取得会话 Cookie 与 CSRF 令牌）")
def open_session(body: Credentials, request: Request, hub: HubDep) -> JSONResponse:
    ip = request.client.host if request.client else None
    try:
        with hub.uow() as uow:
            token, user = accounts.login(uow.session, body.username, body.password, ip, via="api")
            uow.commit()
    except accounts.Unauthorized:
        accounts.record_failed_login(hub, body.username, ip, via="api")  # after the gate is free
        raise
    with hub.uow(write=False) as uow:
        me = accounts.principal(uow.session, token, utcnow())
    response = JSONResponse({"user": user.username, "role": user.role, "csrf_token": me.csrf_token})
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=cookie_secure(request), max_age=accounts.SESSION_HOURS * 3600)
    return response


@router.get("/queue", summary="研判队列")
def queue(user: ApiUser, hub: HubDep, channel: str | None = None, category: str | None = None,
          region: str | None = None, subject: str | None = None, q: str | None = None,
          sort: Literal["newest", "urgent"] = "newest", cursor: str | None = None,
          cluster: str | None = Query(None, pattern=r"^(multi|\d{1,12})$",
                                      description="multi：多渠道线索组中的线索；或线索组编号"),
          rule: str | None = Query(None, max_length=64, description="提出建议的规则编号；none：没有规则匹配"),
          limit: int = 50) -> JSONResponse:
    f = repository.QueueFilter(channel=channel, category=category, region=region,
                               subject=subject, q=q, sort=sort, cluster=cluster, rule=rule)
    with hub.uow(write=False) as uow:
        page = repository.queue(uow.session, f, cursor, max(1, min(limit, 200)))
        notes = repository.notes(uow.session, [c.id for c in page.clues])
    return JSONResponse({"clues": [{**clue_json(c), "cluster_id": notes[c.id].cluster_id,
                                    "rule_id": notes[c.id].rule_id} for c in page.clues],
                         "next_cursor": page.next_cursor})


@router.get("/receivers", summary="对象单位提示（协作单位与单位名录，支持简称和别名）")
def receivers(user: ApiUser, hub: HubDep, q: str = Query("", max_length=100),
              region: str | None = Query(None, max_length=6)) -> JSONResponse:
    from hub.handoffs.receivers import suggest

    require_reviewer(user)
    with hub.uow(write=False) as uow:
        found = suggest(uow.session, q, region or None)
    return JSONResponse({"receivers": found})


@router.post("/decisions", status_code=201, summary="对一条或多条线索作出决定")
def decide(body: DecisionIn, request: Request, user: ApiUser, hub: HubDep,
           x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    ids = [parsed[1] if (parsed := parse_clue_no(number)) else -1 for number in body.clues]
    with hub.uow() as uow:
        decision = DecisionRequest(
            body.kind, body.target, body.reason, co_handlers=tuple(body.co_handlers),
            instructions=body.instructions, reply_days=body.reply_days,
            complete_days=body.complete_days, reply_due_on=body.reply_due_on,
            due_on=body.due_on, share_reporter=body.share_reporter,
            with_duplicates=body.with_duplicates)
        if service.needs_approval(user, decision.kind, hub.settings):
            proposals = service.propose(uow.session, user, ids, decision, via="api",
                                        ip=request.client.host if request.client else None)
            uow.commit()
            return JSONResponse({"proposals": [{"id": p.id, "clue": body.clues[ids.index(p.clue_id)],
                                                "kind": p.kind, "state": p.state}
                                               for p in proposals]}, 202)
        made = service.decide(uow.session, user, ids, decision, via="api", cipher=hub.cipher,
                              settings=hub.settings,
                              ip=request.client.host if request.client else None)
        uow.commit()
    return _decisions(hub, made)


def _decisions(hub, made) -> JSONResponse:  # noqa: ANN001
    """The decisions made (a lead's duplicates settled with it follow, kind merge)."""
    with hub.uow(write=False) as uow:
        numbers = {c.id: clue_no(c.id, c.received_at)
                   for c in repository.clues_by_ids(uow.session, [d.clue_id for d in made])}
        handoffs = handoff_numbers(uow.session, [d.id for d in made])
    return JSONResponse({"decisions": [{"clue": numbers[d.clue_id], "kind": d.kind,
                                        "target": d.target, "id": d.id, "reason": d.reason,
                                        "handoffs": handoffs.get(d.id, [])} for d in made]}, 201)


class DuplicateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into: str = Field(min_length=1, max_length=40,
                      description="本线索重复的线索编号（保留的线索），如 XS-2026-000123")
    reason: str | None = Field(None, max_length=2000)


@router.post("/clues/{number}/merge", status_code=201,
             summary="把本线索作为重复线索合并到另一线索（保留的线索）",
             responses={202: {"description": "合并需科长审批时：已提交审批"},
                        404: {"description": "本线索不存在"},
                        409: {"description": "本线索不是待研判，或并入的线索本身已合并"},
                        422: {"description": "into 不是线索编号、线索不存在或是本线索自己"}})
def merge(number: str, body: DuplicateIn, request: Request, user: ApiUser, hub: HubDep,
          x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    require_reviewer(user)
    ip = request.client.host if request.client else None
    try:
        with hub.uow() as uow:
            ids = [clue_id_of(uow.session, number)]
            decision = DecisionRequest("merge", body.into, body.reason)
            if service.needs_approval(user, "merge", hub.settings):
                proposals = service.propose(uow.session, user, ids, decision, via="api", ip=ip)
                uow.commit()
                return JSONResponse({"proposals": [{"id": p.id, "clue": number, "kind": p.kind,
                                                    "state": p.state} for p in proposals]}, 202)
            made = service.decide(uow.session, user, ids, decision, via="api", cipher=hub.cipher,
                                  settings=hub.settings, ip=ip)
            uow.commit()
    except InvalidInput as exc:  # the body's field is `into`
        for error in exc.errors:
            error.loc = ["into" if part == "target" else part for part in error.loc]
        raise
    return _decisions(hub, made)


class PickIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body_id: StrictInt


@router.post("/clues/{number}/subjects/{index}",
             summary="指定线索第 index 个被反映单位在名录中的单位（index 从 0 起）")
def pick_api(number: str, index: int, body: PickIn, user: ApiUser, hub: HubDep,
             x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    require_reviewer(user)
    with hub.uow() as uow:
        made = directory.set_subject(uow.session, clue_id_of(uow.session, number), index,
                                     body.body_id, actor(user), now=utcnow())
        uow.commit()
    return JSONResponse({"subject": made})
