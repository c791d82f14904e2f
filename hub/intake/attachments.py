"""The bytes of a clue's attachments.

A partner declares its attachments in the clue (`filename`, `media_type`, `sha256`, `size`)
and uploads the bytes afterwards: an upload is accepted only when its SHA-256 and size are
those of an attachment declared in that clue (the same bytes again answer the stored one).
The office uploads its own files with a registration (立项登记); their declarations are made
from the bytes. Files are checked and encrypted like hand-off attachments
(hub.security.attachments), bound to their clue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.db.guards import check_editable
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.errors import FieldError, InvalidInput
from hub.intake import repository
from hub.intake.models import ClueAttachment
from hub.security.attachments import Sealed, digest, seal
from hub.security.crypto import Cipher


def attachment_aad(clue_id: int, sha256: str) -> bytes:
    return f"clue-attachment:{clue_id}:{sha256}".encode()


def check_declared(clue: Clue, content: bytes, filename: str | None) -> dict[str, Any]:
    """The declaration these bytes fulfil, or a 422 naming what does not match."""
    declared = clue.attachments or []
    if not declared:
        raise InvalidInput([FieldError(["body", "file"],
                                       "该线索推送时没有声明附件（attachments），不能上传附件")])
    sha, size = digest(content), len(content)
    for item in declared:
        if str(item.get("sha256", "")).lower() == sha:
            if int(item.get("size", -1)) != size:
                raise InvalidInput([FieldError(["body", "file"], (
                    f"附件大小不符：文件为 {size} 字节，声明的“{item.get('filename')}”"
                    f"为 {item.get('size')} 字节"))])
            return item
    named = [i for i in declared if filename and i.get("filename") == filename]
    if named:
        item = named[0]
        what = [f"SHA-256 为 {sha}，声明为 {item.get('sha256')}"]
        if int(item.get("size", -1)) != size:
            what.append(f"大小为 {size} 字节，声明为 {item.get('size')} 字节")
        raise InvalidInput([FieldError(["body", "file"],
                                       f"附件“{filename}”与声明不符：{'；'.join(what)}")])
    raise InvalidInput([FieldError(["body", "file"], (
        f"附件的 SHA-256（{sha}，{size} 字节）与该线索声明的任何附件都不符；"
        f"声明的附件：{'、'.join(str(i.get('filename')) for i in declared)}"))])


def seal_for_clue(cipher: Cipher, clue_id: int, content: bytes, *, filename: str | None,
                  declared_type: str | None, max_bytes: int) -> Sealed:
    return seal(cipher, content, filename=filename, declared_type=declared_type,
                max_bytes=max_bytes, aad=lambda sha: attachment_aad(clue_id, sha))


def store(session: Session, clue_id: int, sealed: Sealed, *, uploaded_by: str,
          now: datetime | None = None) -> tuple[ClueAttachment, bool]:
    """The stored attachment and whether it is new (the same bytes twice: the first)."""
    existing = repository.attachment_by_sha(session, clue_id, sealed.sha256)
    if existing is not None:
        return existing, False
    return repository.add_attachment(session, ClueAttachment(
        clue_id=clue_id, filename=sealed.filename, media_type=sealed.media_type,
        size=sealed.size, sha256=sealed.sha256, content_enc=sealed.content_enc,
        uploaded_by=uploaded_by, created_at=now or utcnow())), True


def upload_declared(session: Session, cipher: Cipher, clue: Clue, content: bytes, *,
                    filename: str | None, declared_type: str | None, max_bytes: int,
                    uploaded_by: str) -> tuple[ClueAttachment, bool]:
    """A partner's upload of an attachment it declared in the clue."""
    check_editable(session, clue.id, "上传附件")
    item = check_declared(clue, content, filename)
    sealed = seal_for_clue(cipher, clue.id, content, filename=item.get("filename") or filename,
                           declared_type=declared_type or item.get("media_type"),
                           max_bytes=max_bytes)
    return store(session, clue.id, sealed, uploaded_by=uploaded_by)


def content(cipher: Cipher, attachment: ClueAttachment) -> bytes:
    return cipher.decrypt(attachment.content_enc,
                          attachment_aad(attachment.clue_id, attachment.sha256))


def attachment_json(attachment: ClueAttachment) -> dict[str, Any]:
    from hub.intake.present import OFFICE_ZONE

    return {"id": attachment.id, "filename": attachment.filename,
            "media_type": attachment.media_type, "size": attachment.size,
            "sha256": attachment.sha256,
            "received_at": attachment.created_at.astimezone(OFFICE_ZONE).isoformat()}


def declared_with_bytes(clue: Clue, stored: list[ClueAttachment]) -> list[dict[str, Any]]:
    """Each declared attachment with its stored bytes (or None: not uploaded yet), then any
    stored file that no declaration names."""
    by_sha = {a.sha256: a for a in stored}
    rows, used = [], set()
    for item in clue.attachments or []:
        found = by_sha.get(str(item.get("sha256", "")).lower())
        rows.append({"declared": item, "stored": found})
        if found is not None:
            used.add(found.id)
    rows += [{"declared": None, "stored": a} for a in stored if a.id not in used]
    return rows
