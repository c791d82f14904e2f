"""`/api/v1/office/handoffs…`: the office's hand-offs as JSON (session cookie + X-CSRF-Token)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Header
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.errors import NotFound
from hub.handoffs import office, present, replies, repository
from hub.handoffs.schemas import ReplySubmission
from hub.handoffs.states import LABELS
from hub.intake.present import clue_no
from hub.review.web import ApiUser, check_csrf

router = APIRouter(prefix="/api/v1/office/handoffs", tags=["office 办公室"])


class OfficeAction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["verify", "close", "send_back", "cancel", "resend", "reopen", "remind",
                    "acknowledge", "redirect"]
    reason: str | None = Field(None, max_length=2000)
    target: str | None = Field(None, max_length=200, description="改送（redirect）的单位")
    due_on: date | None = None
    complete_days: int | None = Field(None, ge=1, le=365)


def listed_json(row: office.ListedHandoff) -> dict:
    h = row.handoff
    return {**present.summary_json(h), "state_label": LABELS.get(h.state, h.state),
            "clue": row.clue_number, "days_overdue": row.days_overdue,
            "next_due": row.next_due.isoformat() if row.next_due else None}


@router.get("", summary="移交列表（逾期在前）")
def list_handoffs(user: ApiUser, hub: HubDep, state: str | None = None, kind: str | None = None,
                  receiver: str | None = None) -> JSONResponse:
    office.require_see(user)
    with hub.uow(write=False) as uow:
        rows = office.listing(uow.session, repository.OfficeFilter(state, kind, receiver))
        return JSONResponse({"handoffs": [listed_json(r) for r in rows]})


@router.get("/{number}", summary="一项移交：时间线、反馈与结果")
def get_handoff(number: str, user: ApiUser, hub: HubDep) -> JSONResponse:
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


@router.post("/{number}/actions", summary="办公室对移交的操作：验收、退回重办、撤销、催办……")
def post_action(number: str, body: OfficeAction, user: ApiUser, hub: HubDep,
                x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        h = office.act(uow.session, user, number, body.action, via="api", reason=body.reason,
                       due_on=body.due_on, complete_days=body.complete_days, target=body.target,
                       cipher=hub.cipher, settings=hub.settings)
        uow.commit()
        return JSONResponse({**present.summary_json(h), "state_label": LABELS[h.state]})


@router.post("/{number}/replies", status_code=201, summary="代为登记接收单位的反馈（信函、电话等）")
def post_reply(number: str, body: ReplySubmission, user: ApiUser, hub: HubDep,
               x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        reply, new = office.record_reply(uow.session, user, number, body, via="api",
                                         cipher=hub.cipher)
        uow.commit()
        attachments = repository.attachments(uow.session, [reply.handoff_id])
        return JSONResponse(present.reply_json(reply, attachments), 201 if new else 200)


@router.get("/{number}/attachments/{attachment_id}", summary="下载附件")
def download(number: str, attachment_id: int, user: ApiUser, hub: HubDep) -> Response:
    office.require_see(user)
    return attachment_response(hub, number, attachment_id)


def attachment_response(hub, number: str, attachment_id: int) -> Response:  # noqa: ANN001
    from urllib.parse import quote

    with hub.uow(write=False) as uow:
        handoff = repository.by_number(uow.session, number)
        found = [a for a in repository.attachments(uow.session, [handoff.id])
                 if a.id == attachment_id]
        if not found:
            raise NotFound(f"移交 {number} 没有编号为 {attachment_id} 的附件")
        content = replies.attachment_content(hub.cipher, found[0])
    disposition = f"attachment; filename*=UTF-8''{quote(found[0].filename)}"
    return Response(content, media_type=found[0].media_type,
                    headers={"Content-Disposition": disposition,
                             "X-Content-Type-Options": "nosniff"})
