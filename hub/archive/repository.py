"""SQL for archive files: by number, a clue's files, pending ones, search."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.errors import NotFound

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
