"""Hand-offs as JSON: `router` is `/api/v1/handoffs`, where a partner agency works its inbox
(SPEC §4); `office_router` is `/api/v1/office/handoffs…`, the office's hand-offs (session cookie +
X-CSRF-Token)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Header, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from hub import audit
from hub.api.deps import HandoffReader, HandoffWriter, HubDep
from hub.api.responses import JSONResponse
from hub.errors import FieldError, InvalidInput, NotFound, PayloadTooLarge
from hub.handoffs import office, present, replies, repository, service
from hub.handoffs.schemas import (
    AckSubmission,
    AttachmentOut,
    HandoffOut,
    HandoffPage,
    ReplyOut,
    ReplySubmission,
    ReturnSubmission,
)
from hub.handoffs.states import LABELS, STATES
from hub.intake.present import clue_no
from hub.web.session import ApiUser, check_csrf

router = APIRouter(prefix="/api/v1/handoffs", tags=["handoffs 移交"])
_ERRORS = {401: {"description": "缺少、无效或已吊销的 API 密钥"},
           404: {"description": "没有这个移交，或不是移交给本单位的"},
           409: {"description": "移交当前状态不允许该操作（说明当前状态）"},
           422: {"description": "数据有误：每个出错字段一条，含 loc 与 msg"}}


def _actor(agency) -> str:  # noqa: ANN001
    return f"agency:{agency.agency_id}"


def _states(status: str | None) -> list[str] | None:
    if not status:
        return None
    states = [s.strip() for s in status.split(",") if s.strip()]
    bad = [s for s in states if s not in STATES]
    if bad:
        raise InvalidInput([FieldError(["query", "status"],
                                       f"状态（status）：{'、'.join(bad)} 无效，应为以下之一："
                                       f"{'、'.join(STATES)}")])
    return states


@router.get("", response_model=HandoffPage, responses=_ERRORS, summary="本单位的移交（收件箱）")
def list_handoffs(agency: HandoffReader, hub: HubDep, status: str | None = None,
                  updated_since: datetime | None = None, cursor: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50) -> JSONResponse:
    if updated_since is not None and updated_since.tzinfo is None:
        raise InvalidInput([FieldError(["query", "updated_since"],
                                       "更新时间（updated_since）：须带时区，例如 +08:00")])
    with hub.uow(write=False) as uow:
        page = repository.inbox(uow.session, agency.agency_id, states=_states(status),
                                updated_since=updated_since, cursor=cursor, limit=limit)
        items = [present.handoff_json(uow.session, hub.cipher, h) for h in page.handoffs]
    return JSONResponse({"handoffs": items, "next_cursor": page.next_cursor})


@router.get("/{number}", response_model=HandoffOut, responses=_ERRORS, summary="读取一项移交")
def get_handoff(number: str, agency: HandoffReader, hub: HubDep) -> JSONResponse:
    with hub.uow(write=False) as uow:
        handoff = repository.by_number(uow.session, number, agency_id=agency.agency_id)
        body = present.handoff_json(uow.session, hub.cipher, handoff)
    if handoff.reporter_enc is not None:  # personal data read: one entry in the trail
        with hub.uow() as uow:
            audit.record(uow.session, actor=audit.agency_actor(agency.agency_id),
                         action="handoff.reporter_read", target=f"handoff:{handoff.id}",
                         via="api", after={"handoff": handoff.number})
            uow.commit()
    return JSONResponse(body)


@router.post("/{number}/ack", response_model=HandoffOut, responses=_ERRORS, summary="签收")
def acknowledge(number: str, agency: HandoffWriter, hub: HubDep,
                body: AckSubmission | None = None) -> JSONResponse:
    note = body.note if body else None
    with hub.uow() as uow:
        handoff = repository.by_number(uow.session, number, agency_id=agency.agency_id,
                                       for_update=True)
        service.apply(uow.session, handoff, "acknowledge", actor=_actor(agency), via="api",
                      **({"note": note} if note else {}))
        if handoff.kind == "cc":  # for information only: acknowledged is done (销号)
            service.apply(uow.session, handoff, "close", actor="system", via="system",
                          reason="抄送件签收即办结")
        uow.commit()
        return JSONResponse(present.handoff_json(uow.session, hub.cipher, handoff))


@router.post("/{number}/replies", status_code=201, response_model=ReplyOut,
             responses={200: {"description": "同一 source_ref 已收到：返回已有回复", "model": ReplyOut},
                        **_ERRORS},
             summary="进展或办结反馈（含办理结果）")
def post_reply(number: str, body: ReplySubmission, agency: HandoffWriter, hub: HubDep) -> JSONResponse:
    with hub.uow() as uow:
        handoff = repository.by_number(uow.session, number, agency_id=agency.agency_id,
                                       for_update=True)
        reply, new = replies.add_reply(uow.session, handoff, body, actor=_actor(agency), via="api",
                                       cipher=hub.cipher)
        uow.commit()
        attachments = repository.attachments(uow.session, [handoff.id])
        return JSONResponse(present.reply_json(reply, attachments), 201 if new else 200)


@router.post("/{number}/attachments", status_code=201, response_model=AttachmentOut,
             responses={413: {"description": "附件超过大小上限"},
                        415: {"description": "附件类型不被接受或与内容不符"}, **_ERRORS},
             summary="上传附件（multipart，字段名 file）")
def post_attachment(number: str, request: Request, agency: HandoffWriter, hub: HubDep,
                    file: Annotated[UploadFile, File(description="附件文件")]) -> JSONResponse:
    limit = hub.settings.handoff_attachment_max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise PayloadTooLarge(f"附件超过 {limit // (1024 * 1024) or 1} MiB 的上限")
    content = file.file.read(limit + 1)
    with hub.uow() as uow:
        handoff = repository.by_number(uow.session, number, agency_id=agency.agency_id,
                                       for_update=True)
        attachment = replies.add_attachment(uow.session, hub.cipher, handoff, content=content,
                                            filename=file.filename,
                                            declared_type=file.content_type, max_bytes=limit)
        uow.commit()
        return JSONResponse(present.attachment_json(attachment), 201)


@router.post("/{number}/return", response_model=HandoffOut, responses=_ERRORS,
             summary="退回（非本单位职责，须说明理由）")
def return_handoff(number: str, body: ReturnSubmission, agency: HandoffWriter,
                   hub: HubDep) -> JSONResponse:
    with hub.uow() as uow:
        handoff = repository.by_number(uow.session, number, agency_id=agency.agency_id,
                                       for_update=True)
        service.apply(uow.session, handoff, "return", actor=_actor(agency), via="api",
                      reason=body.reason.strip())
        uow.commit()
        return JSONResponse(present.handoff_json(uow.session, hub.cipher, handoff))


office_router = APIRouter(prefix="/api/v1/office/handoffs", tags=["office 办公室"])


class OfficeAction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["verify", "close", "send_back", "cancel", "resend", "reopen", "remind",
                    "acknowledge", "redirect"]
    reason: str | None = Field(None, max_length=2000)
    target: str | None = Field(None, max_length=200, description="改送（redirect）的单位")
    due_on: date | None = None
    complete_days: int | None = Field(None, ge=1, le=365, strict=True)
    followup_on: date | None = Field(None, description="销号时：回头看日期（默认按规则）")
    no_followup: bool = Field(False, description="销号时：不安排回头看")


def listed_json(row: office.ListedHandoff) -> dict:
    h = row.handoff
    return {**present.summary_json(h), "state_label": LABELS.get(h.state, h.state),
            "clue": row.clue_number, "days_overdue": row.days_overdue,
            "next_due": row.next_due.isoformat() if row.next_due else None}


@office_router.get("", name="list_handoffs", summary="移交列表（逾期在前）")
def office_list(user: ApiUser, hub: HubDep, state: str | None = None, kind: str | None = None,
                  receiver: str | None = None) -> JSONResponse:
    office.require_see(user)
    with hub.uow(write=False) as uow:
        rows = office.listing(uow.session, repository.OfficeFilter(state, kind, receiver))
        return JSONResponse({"handoffs": [listed_json(r) for r in rows]})


@office_router.get("/{number}", name="get_handoff", summary="一项移交：时间线、反馈与结果")
def office_get(number: str, user: ApiUser, hub: HubDep) -> JSONResponse:
    office.require_see(user)
    with hub.uow(write=False) as uow:
        v = office.view(uow.session, number)
        h = v.handoff
        return JSONResponse({
            **present.summary_json(h), "state_label": LABELS.get(h.state, h.state),
            "clue": clue_no(v.clue.id, v.clue.received_at), "clue_status": v.clue.status,
            "days_overdue": v.days_overdue, "reporter_shared": h.reporter_enc is not None,
            "family": [{"id": x.number, "receiver": x.receiver_name, "role": x.role,
                        "state": x.state} for x in v.family],
            "replies": [present.reply_json(r, v.attachments) for r in v.replies],
            "events": [{"at": e.at.isoformat(), "actor": e.actor, "via": e.via,
                        "action": e.action, "from": e.from_state, "to": e.to_state,
                        "detail": e.detail} for e in v.events]})


@office_router.post("/{number}/actions", summary="办公室对移交的操作：验收、退回重办、撤销、催办……")
def post_action(number: str, body: OfficeAction, user: ApiUser, hub: HubDep,
                x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        h = office.act(uow.session, user, number, body.action, via="api", reason=body.reason,
                       due_on=body.due_on, complete_days=body.complete_days, target=body.target,
                       cipher=hub.cipher, settings=hub.settings, followup_on=body.followup_on,
                       no_followup=body.no_followup)
        uow.commit()
        return JSONResponse({**present.summary_json(h), "state_label": LABELS[h.state]})


@office_router.post("/{number}/replies", name="post_reply", status_code=201,
             summary="代为登记接收单位的反馈（信函、电话等）")
def office_reply(number: str, body: ReplySubmission, user: ApiUser, hub: HubDep,
               x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        reply, new = office.record_reply(uow.session, user, number, body, via="api",
                                         cipher=hub.cipher)
        uow.commit()
        attachments = repository.attachments(uow.session, [reply.handoff_id])
        return JSONResponse(present.reply_json(reply, attachments), 201 if new else 200)


@office_router.get("/{number}/attachments/{attachment_id}", summary="下载附件")
def download(number: str, attachment_id: int, user: ApiUser, hub: HubDep) -> Response:
    office.require_see(user)
    return attachment_response(hub, number, attachment_id)


def attachment_response(hub, number: str, attachment_id: int) -> Response:  # noqa: ANN001
    from hub.security.attachments import serve_headers

    with hub.uow(write=False) as uow:
        handoff = repository.by_number(uow.session, number)
        found = [a for a in repository.attachments(uow.session, [handoff.id])
                 if a.id == attachment_id]
        if not found:
            raise NotFound(f"移交 {number} 没有编号为 {attachment_id} 的附件")
        content = replies.attachment_content(hub.cipher, found[0])
    return Response(content, media_type=found[0].media_type,
                    headers=serve_headers(found[0].filename, found[0].media_type, inline=False))
