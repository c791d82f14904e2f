"""The office's operations on clusters as JSON for integrations.

`/api/v1/office/clues/{number}/cluster...` with the office session cookie and the
`X-CSRF-Token` header (see hub.review.endpoints); the same operations as forms on a clue's
page are in `pages.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field

from hub.accounts.service import OfficePrincipal
from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.correlate import service
from hub.db.types import utcnow
from hub.errors import FieldError, InvalidInput
from hub.intake.present import OFFICE_ZONE, clue_no
from hub.intake.service import clue_id_of
from hub.web.actions import actor, require_reviewer
from hub.web.session import ApiUser, check_csrf

router = APIRouter(prefix="/api/v1/office", tags=["office 办公室"])


def checked(user: OfficePrincipal, token: str | None) -> None:
    check_csrf(user, token)
    require_reviewer(user)


# --- JSON ---------------------------------------------------------------------------------

class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into_cluster: int | None = Field(None, strict=True, description="要并入的线索组编号")
    into_clue: str | None = Field(None, max_length=40, description="或：要并入其线索组的线索编号")


class DetachIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=500)


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clues: list[str] = Field(min_length=2, max_length=500, description="拆分出去的线索编号")


class LeadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clue: str = Field(max_length=40, description="新的主线索编号")


def _time(value: datetime) -> str:
    return value.astimezone(OFFICE_ZONE).isoformat()


def panel_json(found: service.ClusterPanel | None) -> dict[str, Any]:
    if found is None:
        return {"cluster": None}
    return {"cluster": {
        "id": found.id, "channels": found.channels, "lead_set_by": found.lead_set_by,
        "lead": next(clue_no(m.clue.id, m.clue.received_at) for m in found.members if m.is_lead)
        if any(m.is_lead for m in found.members) else None,
        "members": [{"clue": clue_no(m.clue.id, m.clue.received_at), "channel": m.clue.channel,
                     "title": m.clue.title, "reported_at": _time(m.clue.reported_at),
                     "status": m.clue.status, "region_code": m.clue.region_code,
                     "subjects": [s.get("resolved_name") or s.get("name")
                                  for s in m.clue.subjects or []],
                     "lead": m.is_lead, "link": m.link} for m in found.members]}}


def _panel(hub: Any, clue_id: int) -> dict[str, Any]:
    with hub.uow(write=False) as uow:
        return panel_json(service.panel(uow.session, clue_id=clue_id))


def _api_change(hub: Any, user: OfficePrincipal, token: str | None, number: str,
                change: Any) -> JSONResponse:
    checked(user, token)
    with hub.uow() as uow:
        clue_id = clue_id_of(uow.session, number)
        change(uow.session, clue_id)
        uow.commit()
    return JSONResponse(_panel(hub, clue_id))


@router.get("/clues/{number}/cluster", summary="线索所在的线索组：各渠道线索、主线索、关联理由")
def cluster_api(number: str, user: ApiUser, hub: HubDep) -> JSONResponse:
    with hub.uow(write=False) as uow:
        clue_id = clue_id_of(uow.session, number)
    return JSONResponse(_panel(hub, clue_id))


@router.post("/clues/{number}/cluster/merge", summary="把本线索所在线索组并入另一线索组")
def merge_api(number: str, body: MergeIn, user: ApiUser, hub: HubDep,
              x_csrf_token: str | None = Header(None)) -> JSONResponse:
    def change(session: Any, clue_id: int) -> None:
        target = ({"into_clue_id": clue_id_of(session, body.into_clue)} if body.into_clue
                  else {"into_cluster_id": body.into_cluster})
        if body.into_clue and body.into_cluster is not None:
            raise InvalidInput([FieldError(["into_cluster"], "into_cluster 与 into_clue 只能填一个")])
        if not body.into_clue and body.into_cluster is None:
            raise InvalidInput([FieldError(["into_cluster"], "请填写 into_cluster 或 into_clue")])
        service.merge_clue(session, clue_id=clue_id, actor=actor(user), now=utcnow(), **target)

    return _api_change(hub, user, x_csrf_token, number, change)


@router.post("/clues/{number}/cluster/detach", summary="把本线索移出其线索组")
def detach_api(number: str, body: DetachIn, user: ApiUser, hub: HubDep,
               x_csrf_token: str | None = Header(None)) -> JSONResponse:
    def change(session: Any, clue_id: int) -> None:
        service.detach(session, clue_id=clue_id, actor=actor(user), now=utcnow(),
                       reason=(body.reason or "").strip() or None)

    return _api_change(hub, user, x_csrf_token, number, change)


@router.post("/clues/{number}/cluster/split", summary="把所选线索从本线索组拆分为新线索组")
def split_api(number: str, body: SplitIn, user: ApiUser, hub: HubDep,
              x_csrf_token: str | None = Header(None)) -> JSONResponse:
    checked(user, x_csrf_token)
    with hub.uow() as uow:
        clue_id_of(uow.session, number)
        ids = [clue_id_of(uow.session, n) for n in body.clues]
        made = service.split(uow.session, clue_ids=ids, actor=actor(user), now=utcnow())
        uow.commit()
    return JSONResponse(_panel(hub, made.members[0]))


@router.post("/clues/{number}/cluster/lead", summary="设定本线索组的主线索")
def lead_api(number: str, body: LeadIn, user: ApiUser, hub: HubDep,
             x_csrf_token: str | None = Header(None)) -> JSONResponse:
    def change(session: Any, clue_id: int) -> None:
        cluster_id = service.cluster_of_clue(session, clue_id=clue_id)
        if cluster_id is None:
            raise InvalidInput([FieldError(["clue"], "本线索不在任何线索组中")])
        service.set_lead(session, cluster_id=cluster_id, clue_id=clue_id_of(session, body.clue),
                         actor=actor(user), now=utcnow())

    return _api_change(hub, user, x_csrf_token, number, change)
