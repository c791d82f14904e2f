"""`/api/v1/office/followups…`: 回头看 as JSON for the office (session cookie + X-CSRF-Token)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path
from pydantic import BaseModel, ConfigDict, Field

from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.followups import service
from hub.web.session import ApiUser, check_csrf

router = APIRouter(prefix="/api/v1/office/followups", tags=["office 办公室"])
FollowUpId = Annotated[int, Path(ge=1, le=2**31 - 1, description="回头看编号")]


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    finding: Literal["consolidated", "rebound"] = Field(
        description="整改巩固（consolidated）或问题反弹（rebound，重新交办）")
    note: str = Field(min_length=1, max_length=4000, description="回头看的情况说明")
    complete_days: int | None = Field(None, ge=1, le=365, description="反弹重新交办的办结期限")


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    due_on: date | None = Field(description="新的回头看日期；null 取消这次回头看")


def _today(hub) -> date:  # noqa: ANN001
    from hub.notify.jobs import office_today

    return office_today(hub)


@router.get("", summary="回头看列表：已到期待办、已安排、已完成")
def list_followups(user: ApiUser, hub: HubDep, view: str = "due",
                   mine: bool = False) -> JSONResponse:
    with hub.uow(write=False) as uow:
        today = _today(hub)
        rows = service.listing(uow.session, user, view=view, mine=mine, today=today)
        due = service.count_due(uow.session, today, user.user_id if mine else None)
    return JSONResponse({"today": today.isoformat(), "due": due, "followups": rows})


@router.post("/{followup_id}/finding", summary="记录回头看结论（问题反弹则重新交办）")
def post_finding(followup_id: FollowUpId, body: Finding, user: ApiUser, hub: HubDep,
                 x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        found = service.record_finding(uow.session, user, followup_id, body.finding,
                                       note=body.note, via="api", settings=hub.settings,
                                       complete_days=body.complete_days)
        uow.commit()
        row = service.present(uow.session, [found], _today(hub))[0]
    return JSONResponse(row)


@router.post("/{followup_id}/schedule", summary="回头看改期或取消")
def post_schedule(followup_id: FollowUpId, body: Schedule, user: ApiUser, hub: HubDep,
                  x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    with hub.uow() as uow:
        found = service.reschedule(uow.session, user, followup_id, due_on=body.due_on, via="api")
        uow.commit()
        row = service.present(uow.session, [found], _today(hub))[0]
    return JSONResponse(row)
