"""The documents a hand-off's receiver gets with it: `GET /api/v1/handoffs/{number}/documents/{id}`
(listed in the hand-off's `documents`)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path
from fastapi.responses import Response

from hub.api.deps import HandoffReader, HubDep
from hub.documents import repository, service
from hub.errors import NotFound
from hub.handoffs import repository as handoffs

router = APIRouter(prefix="/api/v1/handoffs", tags=["partner 协作单位"])


def docx_response(document) -> Response:  # noqa: ANN001
    disposition = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    return Response(document.content, media_type=service.DOCX,
                    headers={"Content-Disposition": disposition, "X-Content-Sha256": document.sha256,
                             "X-Content-Type-Options": "nosniff"})


@router.get("/{number}/documents/{document_id}", summary="下载随移交发出的公文（.docx）")
def download(number: str, document_id: Annotated[int, Path(ge=1, le=2**31 - 1)], agency: HandoffReader, hub: HubDep) -> Response:
    with hub.uow(write=False) as uow:
        handoff = handoffs.by_number(uow.session, number, agency_id=agency.agency_id)
        found = repository.get(uow.session, document_id)
        if found is None or found.handoff_id != handoff.id:
            raise NotFound(f"移交 {number} 没有编号为 {document_id} 的公文")
        return docx_response(found)
