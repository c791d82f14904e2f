"""Reporter identity, the names of the persons outcomes name, and legal holds as JSON for
office integrations (`/api/v1/office/...`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from hub import audit
from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.errors import Forbidden
from hub.intake.present import clue_no, parse_clue_no
from hub.privacy import repository, reveal, service
from hub.privacy.models import RevealRequest
from hub.privacy.reveal import Where
from hub.web.session import ApiUser, check_csrf

router = APIRouter(prefix="/api/v1/office", tags=["office 办公室"])


def where(request: Request, via: str = "page") -> Where:
    """Whence an identity request or view came (recorded with it)."""
    return Where(via, request.client.host if request.client else None)


class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clue: str = Field(description="线索编号，如 XS-2026-000123")
    reason: str = Field(max_length=2000, description="查看反映人身份的理由")
    subject: Literal["reporter", "persons"] = Field(
        "reporter", description="查看对象：reporter 反映人身份（默认），persons 办理结果中处理人员的姓名")


class DecisionNote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=2000)


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000)


def _clue_id(number: str) -> int:
    parsed = parse_clue_no(number)
    return parsed[1] if parsed else -1


def _json(r: RevealRequest, clue: Clue | None = None) -> dict:
    return {"id": r.id, "clue": clue_no(clue.id, clue.received_at) if clue else r.clue_id,
            "subject": r.subject, "state": r.state, "reason": r.reason, "requested_by": r.requested_by,
            "requested_at": r.requested_at.isoformat(), "decided_by": r.decided_by,
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "expires_at": r.expires_at.isoformat() if r.expires_at else None,
            "note": r.decision_note}


@router.post("/reveals", status_code=201, summary="申请查看反映人身份（科长、领导）")
def request_reveal(body: RevealIn, request: Request, user: ApiUser, hub: HubDep,
                   x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        made = reveal.request_reveal(uow.session, user, _clue_id(body.clue), body.reason,
                                     where(request, "api"), utcnow(), body.subject)
        uow.commit()
        return JSONResponse(_json(made, repository.clue(uow.session, made.clue_id)), 201)


@router.get("/reveals", summary="待审批的身份查看申请（领导）")
def pending(user: ApiUser, hub: HubDep) -> JSONResponse:
    if user.role not in reveal.APPROVER_ROLES:
        raise Forbidden("只有领导可以查看待审批的申请")
    with hub.uow(write=False) as uow:
        rows = repository.pending_requests(uow.session)
        return JSONResponse({"requests": [_json(r, repository.clue(uow.session, r.clue_id))
                                          for r in rows]})


def _decide(request_id: int, approve: bool, body: DecisionNote, request: Request, user: ApiUser,
            hub: HubDep, token: str | None) -> JSONResponse:
    check_csrf(user, token)
    with hub.uow() as uow:
        done = reveal.decide_reveal(uow.session, user, request_id, approve, body.note,
                                    where(request, "api"), utcnow(), hub.settings.reveal_valid_hours)
        uow.commit()
        return JSONResponse(_json(done, repository.clue(uow.session, done.clue_id)))


@router.post("/reveals/{request_id}/approve", summary="批准查看反映人身份（领导）")
def approve(request_id: int, body: DecisionNote, request: Request, user: ApiUser, hub: HubDep,
            x_csrf_token: str | None = Header(None)) -> JSONResponse:
    return _decide(request_id, True, body, request, user, hub, x_csrf_token)


@router.post("/reveals/{request_id}/refuse", summary="不批准查看反映人身份（领导）")
def refuse(request_id: int, body: DecisionNote, request: Request, user: ApiUser, hub: HubDep,
           x_csrf_token: str | None = Header(None)) -> JSONResponse:
    return _decide(request_id, False, body, request, user, hub, x_csrf_token)


@router.post("/clues/{number}/reporter", summary="查看反映人身份（须经批准，每次记入审计）")
def show_reporter(number: str, request: Request, user: ApiUser, hub: HubDep,
                  x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        identity = reveal.reveal(uow.session, hub.cipher, user, _clue_id(number),
                                 where(request, "api"), utcnow())
        uow.commit()
    return JSONResponse({"clue": number, "reporter": identity},
                        headers={"Cache-Control": "no-store"})


@router.post("/clues/{number}/persons",
             summary="查看办理结果中处理人员的姓名（须经批准，每次记入审计）")
def show_persons(number: str, request: Request, user: ApiUser, hub: HubDep,
                 x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        persons = reveal.reveal_persons(uow.session, hub.cipher, user, _clue_id(number),
                                        where(request, "api"), utcnow())
        uow.commit()
    return JSONResponse({"clue": number, "persons": persons},
                        headers={"Cache-Control": "no-store"})


@router.post("/clues/{number}/hold", status_code=201, summary="设置法律保留（到期不清除）")
def set_hold(number: str, body: HoldIn, request: Request, user: ApiUser, hub: HubDep,
             x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    service.check_hold_role(user)
    with hub.uow() as uow:
        hold = service.set_hold(uow.session, _clue_id(number), body.reason,
                                actor=audit.user_actor(user), by_name=f"user:{user.username}",
                                where=where(request, "api"), now=utcnow())
        uow.commit()
    return JSONResponse({"clue": number, "hold": hold.id, "reason": hold.reason}, 201)


@router.post("/clues/{number}/hold/release", summary="解除法律保留")
def release_hold(number: str, request: Request, user: ApiUser, hub: HubDep,
                 x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    service.check_hold_role(user)
    with hub.uow() as uow:
        hold = service.release_hold(uow.session, _clue_id(number), actor=audit.user_actor(user),
                                    by_name=f"user:{user.username}", where=where(request, "api"),
                                    now=utcnow())
        uow.commit()
    return JSONResponse({"clue": number, "hold": hold.id, "released": True})
