"""Replies from the receiver (反馈, with outcomes) and their attachments (bytes encrypted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hub.db.guards import check_editable
from hub.db.types import utcnow
from hub.errors import FieldError, InvalidInput
from hub.normalize.codes import mask_name
from hub.security.attachments import seal
from hub.security.crypto import Cipher

from . import repository
from .deadlines import receiver_works
from .models import Handoff, HandoffAttachment, HandoffReply, HandoffReplyPerson
from .schemas import ReplySubmission
from .service import apply, state_label
from .states import IllegalTransition


def attachment_aad(handoff_id: int, sha256: str) -> bytes:
    return f"handoff-attachment:{handoff_id}:{sha256}".encode()


def person_aad(reply_id: int, position: int) -> bytes:
    return f"reply-person:{reply_id}:{position}".encode()


def add_reply(session: Session, handoff: Handoff, body: ReplySubmission, *, actor: str, via: str,
              now: datetime | None = None,
              cipher: Cipher | None = None) -> tuple[HandoffReply, bool]:
    """The reply and whether it is new; the same `source_ref` again returns the first one.
    Persons named in the outcome need `cipher` (their names are encrypted)."""
    if body.source_ref is not None:
        existing = repository.reply_with_source_ref(session, handoff.id, body.source_ref)
        if existing is not None:
            return existing, False
    check_editable(session, handoff.clue_id,
                   "登记反馈和处理人员" if body.outcome and body.outcome.people else "登记反馈")
    now = now or utcnow()
    attachments = _unattached(session, handoff, body.attachments)
    outcome = body.outcome
    reply = HandoffReply(
        handoff_id=handoff.id, source_ref=body.source_ref, final=body.final, text=body.text,
        outcome=outcome.kind.value if outcome else None,
        persons=outcome.persons if outcome else None,
        amount_yuan=outcome.amount_yuan if outcome else None,
        outcome_text=outcome.text if outcome else None, received_at=now, actor=actor, via=via)
    session.add(reply)
    session.flush()
    for position, person in enumerate(outcome.people if outcome else []):
        if cipher is None:
            raise ValueError("recording persons by name needs the cipher")
        session.add(HandoffReplyPerson(
            reply_id=reply.id, handoff_id=handoff.id, position=position,
            name_enc=cipher.encrypt(person.name.encode(), person_aad(reply.id, position)),
            name_masked=mask_name(person.name), post=person.post,
            rank=person.rank.value if person.rank else None, kind=person.kind.value,
            measure=person.measure.value))
    for attachment in attachments:
        attachment.reply_id = reply.id
    apply(session, handoff, "reply_final" if body.final else "reply_progress", actor=actor,
          via=via, now=now, reply_id=reply.id, outcome=reply.outcome, persons=reply.persons)
    return reply, True


def _unattached(session: Session, handoff: Handoff, ids: list[int]) -> list[HandoffAttachment]:
    if not ids:
        return []
    rows = repository.attachments_by_id(session, handoff.id, ids)
    errors = [FieldError(["body", "attachments", i],
                         f"附件（attachments.{i}）：编号 {a} 不是本移交已上传且未使用的附件")
              for i, a in enumerate(ids) if a not in rows or rows[a].reply_id is not None]
    if errors:
        raise InvalidInput(errors)
    return list(rows.values())


def add_attachment(session: Session, cipher: Cipher, handoff: Handoff, *, content: bytes,
                   filename: str | None, declared_type: str | None, max_bytes: int,
                   now: datetime | None = None) -> HandoffAttachment:
    """Check size and media type (from the bytes), encrypt, store with SHA-256 and size."""
    check_editable(session, handoff.clue_id, "上传附件")
    if not receiver_works(handoff):
        raise IllegalTransition(f"移交当前状态为“{state_label(handoff.state)}”"
                                f"（{handoff.state}），不能再上传附件")
    sealed = seal(cipher, content, filename=filename, declared_type=declared_type,
                  max_bytes=max_bytes, aad=lambda sha: attachment_aad(handoff.id, sha))
    attachment = HandoffAttachment(
        handoff_id=handoff.id, filename=sealed.filename, media_type=sealed.media_type,
        size=sealed.size, sha256=sealed.sha256, content_enc=sealed.content_enc,
        created_at=now or utcnow())
    session.add(attachment)
    session.flush()
    return attachment


def attachment_content(cipher: Cipher, attachment: HandoffAttachment) -> bytes:
    return cipher.decrypt(attachment.content_enc,
                          attachment_aad(attachment.handoff_id, attachment.sha256))
