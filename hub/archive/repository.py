"""SQL for archive files: by number, a clue's files, pending ones, search."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.audit.models import AuditEntry
from hub.db.models import Clue, ClueEvent
from hub.documents.models import IssuedDocument
from hub.errors import NotFound
from hub.followups.models import FollowUp
from hub.handoffs.models import (
    Handoff,
    HandoffEvent,
    HandoffReply,
    HandoffReplyPerson,
)
from hub.privacy.models import LegalHold

from .models import ArchiveFile

LOCKING = ("pending", "filed")  # the matter is read-only


def by_number(session: Session, number: str) -> ArchiveFile:
    found = session.scalar(select(ArchiveFile).where(ArchiveFile.number == number))
    if found is None:
        raise NotFound(f"没有找到案卷 {number}")
    return found


def locking(session: Session, clue_id: int) -> ArchiveFile | None:
    return session.scalar(select(ArchiveFile).where(ArchiveFile.clue_id == clue_id,
                                                    ArchiveFile.state.in_(LOCKING))
                          .order_by(ArchiveFile.id.desc()).limit(1))


def for_clue(session: Session, clue_id: int) -> list[ArchiveFile]:
    return list(session.scalars(select(ArchiveFile).where(ArchiveFile.clue_id == clue_id)
                                .order_by(ArchiveFile.id)))


def pending_ids(session: Session, limit: int = 100) -> list[int]:
    return list(session.scalars(select(ArchiveFile.id).where(ArchiveFile.state == "pending")
                                .order_by(ArchiveFile.id).limit(limit)))


def search(session: Session, text: str | None = None, limit: int = 200) -> list[ArchiveFile]:
    query = select(ArchiveFile)
    if text:
        query = query.join(Clue, Clue.id == ArchiveFile.clue_id).where(or_(
            ArchiveFile.number.contains(text, autoescape=True),
            ArchiveFile.title.contains(text, autoescape=True),
            Clue.source_ref.contains(text, autoescape=True)))
    return list(session.scalars(query.order_by(ArchiveFile.id.desc()).limit(limit)))


def expired(session: Session, today: date, held: list[int]) -> list[ArchiveFile]:
    query = select(ArchiveFile).where(ArchiveFile.state.in_(("filed", "reopened")),
                                      ArchiveFile.retain_until.is_not(None),
                                      ArchiveFile.retain_until < today)
    if held:
        query = query.where(ArchiveFile.clue_id.not_in(held))
    return list(session.scalars(query))


# What a matter's file holds (service.py)

def rebound_pending(session: Session, clue_id: int) -> bool:
    """A follow-up of the clue found a rebound whose new hand-off is not made yet."""
    return session.scalar(select(FollowUp.id).where(
        FollowUp.clue_id == clue_id, FollowUp.finding == "rebound",
        FollowUp.new_handoff_id.is_(None)).limit(1)) is not None


def handoffs_of(session: Session, clue_id: int) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.clue_id == clue_id)
                                .order_by(Handoff.id)))


def final_outcomes(session: Session, handoff_ids: list[int]) -> set[str]:
    return set(session.scalars(select(HandoffReply.outcome).where(
        HandoffReply.handoff_id.in_(handoff_ids), HandoffReply.final.is_(True),
        HandoffReply.outcome.is_not(None))))


def clue_events(session: Session, clue_id: int) -> list[ClueEvent]:
    return list(session.scalars(select(ClueEvent).where(ClueEvent.clue_id == clue_id)
                                .order_by(ClueEvent.id)))


def handoff_events(session: Session, handoff_ids: list[int]) -> list[HandoffEvent]:
    if not handoff_ids:
        return []
    return list(session.scalars(select(HandoffEvent).where(HandoffEvent.handoff_id.in_(handoff_ids))
                                .order_by(HandoffEvent.id)))


def replies(session: Session, handoff_ids: list[int]) -> list[HandoffReply]:
    if not handoff_ids:
        return []
    return list(session.scalars(select(HandoffReply).where(HandoffReply.handoff_id.in_(handoff_ids))
                                .order_by(HandoffReply.id)))


def documents_of(session: Session, clue_id: int) -> list[IssuedDocument]:
    return list(session.scalars(select(IssuedDocument).where(IssuedDocument.clue_id == clue_id)
                                .order_by(IssuedDocument.id)))


def trail_of(session: Session, clue_id: int, handoff_ids: list[int]) -> list[AuditEntry]:
    """The audit entries about the clue and its hand-offs, in the trail's order."""
    return list(session.scalars(select(AuditEntry).where(or_(
        (AuditEntry.target_kind == "clue") & (AuditEntry.target_id.in_([f"{clue_id}"])),
        (AuditEntry.target_kind == "handoff")
        & (AuditEntry.target_id.in_([str(i) for i in handoff_ids]))))
        .order_by(AuditEntry.seq)))


def pending_for_update(session: Session, file_id: int) -> ArchiveFile | None:
    return session.scalar(select(ArchiveFile).where(ArchiveFile.id == file_id,
                                                    ArchiveFile.state == "pending")
                          .with_for_update())


def held_clue_ids(session: Session) -> list[int]:
    return list(session.scalars(select(LegalHold.clue_id).where(LegalHold.released_at.is_(None))))


def clues_by_id(session: Session, ids: set[int]) -> dict[int, Clue]:
    return {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(ids)))}


def persons(session: Session, handoff_ids: list[int]) -> list[HandoffReplyPerson]:
    """The persons the matter's replies name (the archive keeps their masked names only)."""
    if not handoff_ids:
        return []
    return list(session.scalars(select(HandoffReplyPerson)
                                .where(HandoffReplyPerson.handoff_id.in_(handoff_ids))
                                .order_by(HandoffReplyPerson.reply_id,
                                          HandoffReplyPerson.position)))
