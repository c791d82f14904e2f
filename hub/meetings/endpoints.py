"""The joint meetings a partner agency takes part in (`/api/v1/meetings`, scope
`meetings:read`): the list, one meeting (shared agenda, its own attendance and decisions), and
the minutes as issued (.docx). A meeting the agency does not take part in is a 404, the same
as one that does not exist."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path
from fastapi.responses import Response

from hub.api.deps import HubDep, MeetingReader
from hub.api.responses import JSONResponse
from hub.documents.service import DOCX

from . import minutes, present
from .schemas import MeetingOut, MeetingPage

router = APIRouter(prefix="/api/v1/meetings", tags=["meetings 联席会议"])
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_ERRORS = {404: {"description": "没有这次联席会议，或本单位未参加"}}


@router.get("", response_model=MeetingPage, summary="本单位参加的联席会议")
def list_meetings(agency: MeetingReader, hub: HubDep) -> JSONResponse:
    with hub.uow(write=False) as uow:
        rows = present.agency_listing(uow.session, agency.agency_id)
    return JSONResponse({"meetings": rows})


@router.get("/{meeting_id}", response_model=MeetingOut, responses=_ERRORS,
            summary="一次联席会议：共享的议程、本单位出席情况和本单位的议定事项")
def get_meeting(meeting_id: MeetingId, agency: MeetingReader, hub: HubDep) -> JSONResponse:
    with hub.uow(write=False) as uow:
        return JSONResponse(present.partner_view(uow.session, meeting_id, agency.agency_id))


@router.get("/{meeting_id}/minutes", response_class=Response, summary="下载会议纪要（.docx）",
            responses={200: {"description": "纪要原件（.docx，" + DOCX + "）；"
                                             "X-Content-Sha256 为其 SHA-256"},
                       404: {"description": "没有这次会议、本单位未参加，或纪要尚未印发"}})
def get_minutes(meeting_id: MeetingId, agency: MeetingReader, hub: HubDep) -> Response:
    with hub.uow(write=False) as uow:
        return docx_response(present.minutes(uow.session, meeting_id, agency.agency_id))


def docx_response(meeting: Any) -> Response:
    """The minutes as issued, with their SHA-256 (the office's page downloads the same)."""
    disposition = f"attachment; filename*=UTF-8''{quote(minutes.file_name(meeting))}"
    return Response(meeting.minutes_docx, media_type=DOCX, headers={
        "Content-Disposition": disposition, "X-Content-Sha256": meeting.minutes_sha256,
        "X-Content-Type-Options": "nosniff"})
