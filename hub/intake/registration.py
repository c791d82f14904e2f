"""Registering a clue by hand (立项登记): what the office receives itself (a visit, a letter,
a call, its mailbox, an inspection) goes in as the office's own submission, through the same
checks and the same pipeline as a partner's push; its files are stored with it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from hub import audit
from hub.agencies.service import office_agency
from hub.container import Hub
from hub.errors import FieldError, HubError, InvalidInput
from hub.intake import attachments, recorder, service
from hub.intake.present import parse_clue_no
from hub.security.media import Limits, check_attachment

OFFICE_ZONE = ZoneInfo("Asia/Shanghai")
# How the office came by it; kept in `extra.received_via`.
RECEIVED_VIA = {"visit": "来访", "letter": "来信", "phone": "来电", "mailbox": "信箱",
                "inspection": "督察中发现", "other": "其他"}
MAX_FILES = 20


@dataclass
class Upload:
    filename: str
    content_type: str | None
    content: bytes


@dataclass
class Registration:
    """The form as typed (kept to show again after an error)."""

    form_id: str = ""
    channel: str = "mailbox"
    received_via: str = "letter"
    reported_at: str = ""
    title: str = ""
    content: str = ""
    category: str = ""
    region_code: str = ""
    subjects: str = ""
    case_numbers: str = ""
    document_numbers: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_id_number: str = ""
    anonymous: bool = False
    urgency: str = "normal"
    files: list[Upload] = field(default_factory=list)


def new_form(now: datetime) -> Registration:
    return Registration(form_id=secrets.token_hex(8),
                        reported_at=now.astimezone(OFFICE_ZONE).strftime("%Y-%m-%dT%H:%M"))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\r\n；;]+", text) if line.strip()]


def _when(text: str) -> str | None:
    """`2026-12-06T10:30` typed in Beijing time -> RFC 3339 with +08:00, or None."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=OFFICE_ZONE)).isoformat()


def submission(form: Registration, declared: list[dict[str, Any]], username: str
               ) -> tuple[dict[str, Any], list[FieldError]]:
    """The form as a v1 submission (the push API's shape), and what the form itself refuses
    before the contract's checks."""
    errors = []
    if form.received_via not in RECEIVED_VIA:
        errors.append(FieldError(["body", "received_via"], "来件方式：请从列表中选择"))
    reported_at = _when(form.reported_at)
    if reported_at is None:
        errors.append(FieldError(["body", "reported_at"],
                                 "受理时间：应为 2026-12-06 10:30 这样的日期和时间"))
    reporter = {k: v for k, v in (("name", form.reporter_name.strip()),
                                  ("phone", form.reporter_phone.strip()),
                                  ("id_number", form.reporter_id_number.strip())) if v}
    body: dict[str, Any] = {
        "source_ref": f"LX-{form.form_id}", "channel": form.channel,
        "reported_at": reported_at or form.reported_at, "title": form.title,
        "content": form.content, "urgency": form.urgency or "normal",
        "subjects": [{"name": name} for name in _lines(form.subjects)],
        "references": [{"kind": "case_number", "value": v} for v in _lines(form.case_numbers)]
        + [{"kind": "document_number", "value": v} for v in _lines(form.document_numbers)],
        "attachments": declared,
        "extra": {"received_via": form.received_via, "registered_by": username},
    }
    if form.category:
        body["category"] = form.category
    if form.region_code.strip():
        body["region_code"] = form.region_code.strip()
    if reporter or form.anonymous:
        body["reporter"] = {**reporter, "anonymous": form.anonymous}
    return body, errors


def _declare(uploads: list[Upload], max_bytes: int) -> list[dict[str, Any]]:
    """Each file checked (type from its bytes, size) and declared as a partner would."""
    from hub.security.filenames import safe_filename

    if len(uploads) > MAX_FILES:
        raise InvalidInput([FieldError(["body", "files"], f"附件最多 {MAX_FILES} 个")])
    declared, errors = [], []
    for i, upload in enumerate(uploads):
        if not upload.content:
            errors.append(FieldError(["body", "files", i], f"附件“{upload.filename}”：文件为空"))
            continue
        try:
            media_type = check_attachment(upload.content, upload.content_type, upload.filename,
                                          Limits(max_bytes=max_bytes))
        except HubError as exc:
            problem = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
            errors.append(FieldError(["body", "files", i], f"附件“{upload.filename}”：{problem}"))
            continue
        declared.append({"filename": safe_filename(upload.filename, media_type),
                         "media_type": media_type,
                         "sha256": attachments.digest(upload.content),
                         "size": len(upload.content)})
    if errors:
        raise InvalidInput(errors)
    return declared


def register(hub: Hub, form: Registration, *, user_id: int, username: str,
             ip: str | None = None) -> str:
    """Record the registration as the office's submission; its clue number. The same form
    sent twice (a double click) answers the clue the first one made."""
    uploads = [u for u in form.files if u.filename or u.content]
    limit = hub.settings.clue_attachment_max_bytes
    declared = _declare(uploads, limit)
    body, errors = submission(form, declared, username)
    with hub.uow() as uow:
        agency_id = office_agency(uow.session, hub.settings.office_name,
                                  hub.settings.office_region).id
        uow.commit()
    received = service.receive_office(hub.cipher, agency_id, orjson.dumps(body))
    item = received.items[0]
    if not isinstance(item, list):
        item = []
    if errors or item:
        raise InvalidInput(errors + [e for e in item if e.loc[:2] != ["body", "reported_at"]
                                     or not errors])

    def before_commit(session, outcomes) -> None:  # noqa: ANN001
        outcome = outcomes[0][0]
        if outcome.clue is None or outcome.status != 201:
            return
        clue_id = parse_clue_no(outcome.clue["id"])[1]
        for upload in uploads:
            sealed = attachments.seal_for_clue(hub.cipher, clue_id, upload.content,
                                               filename=upload.filename,
                                               declared_type=upload.content_type,
                                               max_bytes=limit)
            attachments.store(session, clue_id, sealed, uploaded_by=f"user:{user_id}")
        audit.record(session, actor=f"user:{user_id}", action="clue.registered",
                     target=f"clue:{clue_id}", via="page", ip=ip,
                     after={"channel": body["channel"], "received_via": form.received_via,
                            "attachments": len(uploads)})

    outcome = recorder.record(hub, [received], before_commit)[0][0]
    if outcome.errors:
        raise InvalidInput(outcome.errors)
    return outcome.clue["id"]
