"""The directory as JSON for office integrations (`/api/v1/office/...`, office session): search
the directory for the body a clue's subject is (the pick itself: hub.review.endpoints).

Partner agencies see subjects only as they sent them.
"""

from __future__ import annotations

from fastapi import APIRouter

from hub.api.deps import HubDep
from hub.api.responses import JSONResponse
from hub.web.session import ApiUser

from . import service

router = APIRouter()

@router.get("/api/v1/office/directory/search", tags=["office 办公室"],
            summary="在单位名录中查找单位（供选择被反映单位）")
def search_api(user: ApiUser, hub: HubDep, q: str = "", region: str | None = None,
               limit: int = 20) -> JSONResponse:
    with hub.uow(write=False) as uow:
        found = service.search(uow.session, q, region, limit=max(1, min(limit, 50)))
    return JSONResponse({"bodies": found})
