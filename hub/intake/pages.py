"""The office's intake pages: registering a clue by hand (立项登记, `/office/clues/new`), and
a clue's attachments (listed on its page, previewed inline when images or PDFs, downloaded;
every download audited)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.api.deps import HubDep
from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.db.types import utcnow
from hub.errors import Forbidden, HubError, NotFound
from hub.intake import attachments, registration, repository
from hub.intake.present import clue_no, parse_clue_no
from hub.security.attachments import PREVIEWABLE, serve_headers
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, register_globals, templates

router = APIRouter(prefix="/office/clues", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
URGENCY = {"normal": "一般", "important": "重要", "urgent": "紧急"}


def _may_register(user: OfficePrincipal) -> None:
    if not user.can_review:
        raise Forbidden("只有科员、科长和领导可以登记线索")


def _form_page(request: Request, user: OfficePrincipal, form: registration.Registration,
               errors: list[str] | None = None, status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, "clue_new.html", {
        "user": user, "form": form, "errors": errors or [], "via": registration.RECEIVED_VIA,
        "channels": CHANNEL_LABELS, "categories": CATEGORY_LABELS, "urgencies": URGENCY,
        "max_files": registration.MAX_FILES}, status_code=status_code)


@router.get("/new", response_class=HTMLResponse)
def new_clue_page(request: Request, user: PageUser) -> HTMLResponse:
    _may_register(user)
    return _form_page(request, user, registration.new_form(utcnow()))


@router.post("/new", response_class=HTMLResponse)
async def register_clue(request: Request, user: PageUser, hub: HubDep) -> Response:
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    _may_register(user)
    typed = registration.Registration(
        **{name: str(form.get(name, "")) for name in (
            "form_id", "channel", "received_via", "reported_at", "title", "content", "category",
            "region_code", "subjects", "case_numbers", "document_numbers", "reporter_name",
            "reporter_phone", "reporter_id_number", "urgency")},
        anonymous=form.get("anonymous") == "1")
    if not typed.form_id.isalnum():
        typed.form_id = registration.new_form(utcnow()).form_id
    limit = hub.settings.clue_attachment_max_bytes
    for upload in form.getlist("files"):
        if isinstance(upload, UploadFile) and upload.filename:
            typed.files.append(registration.Upload(upload.filename, upload.content_type,
                                                   await upload.read(limit + 1)))
    try:
        number = registration.register(hub, typed, user_id=user.user_id,
                                       username=user.username,
                                       ip=request.client.host if request.client else None)
    except HubError as exc:
        problems = [e.msg for e in getattr(exc, "errors", [])] or [exc.message]
        typed.files = []  # a browser cannot be given files back; the form says so
        return _form_page(request, user, typed, problems, 422)
    return RedirectResponse(f"/office/clues/{number}?message=已登记线索 {number}",
                            status_code=303)


def clue_files(request: Request, clue) -> list[dict]:  # noqa: ANN001
    """For the clue page's attachments block: declared files, with their bytes if any."""
    with request.app.state.hub.uow(write=False) as uow:
        stored = repository.attachments_of(uow.session, clue.id)
    rows = attachments.declared_with_bytes(clue, stored)
    number = clue_no(clue.id, clue.received_at)
    for row in rows:
        found = row["stored"]
        if found is not None:
            row["url"] = f"/office/clues/{number}/attachments/{found.id}"
            row["preview"] = found.media_type in PREVIEWABLE
    return rows


register_globals(clue_files=clue_files)


@router.get("/{number}/attachments/{attachment_id}")
def download(request: Request, number: str, attachment_id: int, user: PageUser, hub: HubDep,
             inline: bool = False) -> Response:
    """The file, with the media type the hub found; `?inline=1` shows an image or a PDF in
    the page (sandboxed), anything else is always a download. Every one is audited."""
    parsed = parse_clue_no(number)
    with hub.uow() as uow:
        clue = repository.clue_by_id(uow.session, parsed[1]) if parsed else None
        if clue is None or clue_no(clue.id, clue.received_at) != number:
            raise NotFound(f"没有找到线索 {number}")
        found = [a for a in repository.attachments_of(uow.session, clue.id)
                 if a.id == attachment_id]
        if not found:
            raise NotFound(f"线索 {number} 没有编号为 {attachment_id} 的附件")
        body = attachments.content(hub.cipher, found[0])
        audit.record(uow.session, actor=audit.user_actor(user), action="clue.attachment_viewed"
                     if inline else "clue.attachment_downloaded", target=f"clue:{clue.id}",
                     via="page", ip=request.client.host if request.client else None,
                     after={"attachment": found[0].id, "filename": found[0].filename})
        uow.commit()
    return Response(body, media_type=found[0].media_type,
                    headers=serve_headers(found[0].filename, found[0].media_type, inline=inline))
