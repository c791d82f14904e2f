"""The directory as JSON for office integrations (`/api/v1/office/...`, office session and
`X-CSRF-Token`): search the directory, pick the body a clue's subject is.

Partner agencies see subjects only as they sent them.
"""

from __future__ import annotations

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict

from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.db.types import utcnow
from hub.route.service import clue_id_of
from hub.web.actions import actor, require_reviewer
from hub.web.session import ApiUser, check_csrf

from . import service

router = APIRouter()

class PickIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body_id: int


@router.get("/api/v1/office/directory/search", tags=["office 办公室"],
            summary="在单位名录中查找单位（供选择被反映单位）")
def search_api(user: ApiUser, hub: HubDep, q: str = "", region: str | None = None,
               limit: int = 20) -> JSONResponse:
    with hub.uow(write=False) as uow:
        found = service.search(uow.session, q, region, limit=max(1, min(limit, 50)))
    return JSONResponse({"bodies": found})


@router.post("/api/v1/office/clues/{number}/subjects/{index}", tags=["office 办公室"],
             summary="指定线索第 index 个被反映单位在名录中的单位（index 从 0 起）")
def pick_api(number: str, index: int, body: PickIn, user: ApiUser, hub: HubDep,
             x_csrf_token: str | None = Header(None)) -> JSONResponse:
    check_csrf(user, x_csrf_token)
    require_reviewer(user)
    with hub.uow() as uow:
        made = service.set_subject(uow.session, clue_id_of(uow.session, number), index,
                                   body.body_id, actor(user), now=utcnow())
        uow.commit()
    return JSONResponse({"subject": made})
