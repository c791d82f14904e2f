"""SQL for documents: the next number of a kind in a year, issued documents, templates."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.handoffs.models import Handoff, HandoffReply

from .models import DocumentSequence, DocumentTemplate, IssuedDocument


def next_seq(session: Session, kind: str, year: int) -> int:
    """The kind's next number in the year; the row stays locked until commit, so two
    transactions never get the same number (and a rolled-back one gives its number back)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(DocumentSequence).values(kind=kind, year=year, last=0)
                    .on_conflict_do_nothing())
    return session.execute(update(DocumentSequence)
                           .where(DocumentSequence.kind == kind, DocumentSequence.year == year)
                           .values(last=DocumentSequence.last + 1)
                           .returning(DocumentSequence.last)
                           .execution_options(synchronize_session=False)).scalar_one()


def by_event(session: Session, event_key: str) -> IssuedDocument | None:
    return session.scalar(select(IssuedDocument).where(IssuedDocument.event_key == event_key))


def get(session: Session, document_id: int) -> IssuedDocument | None:
    return session.get(IssuedDocument, document_id)


def for_handoff(session: Session, handoff_id: int) -> list[IssuedDocument]:
    return list(session.scalars(select(IssuedDocument).where(IssuedDocument.handoff_id == handoff_id)
                                .order_by(IssuedDocument.id)))


def for_clue(session: Session, clue_id: int) -> list[IssuedDocument]:
    return list(session.scalars(select(IssuedDocument).where(IssuedDocument.clue_id == clue_id)
                                .order_by(IssuedDocument.id)))


def recent(session: Session, limit: int = 200) -> list[IssuedDocument]:
    return list(session.scalars(select(IssuedDocument).order_by(IssuedDocument.id.desc())
                                .limit(limit)))


def template(session: Session, kind: str) -> DocumentTemplate | None:
    return session.get(DocumentTemplate, kind)


def templates(session: Session) -> dict[str, DocumentTemplate]:
    return {t.kind: t for t in session.scalars(select(DocumentTemplate))}


def handoff_numbers(session: Session, rows: list[IssuedDocument]) -> dict[int, str]:
    """The hand-off numbers (JB-…) of the documents' hand-offs, by id."""
    from hub.handoffs.models import Handoff

    ids = {r.handoff_id for r in rows if r.handoff_id}
    if not ids:
        return {}
    return dict(session.execute(select(Handoff.id, Handoff.number).where(Handoff.id.in_(ids)))
                .tuples().all())


def handoffs_of_clue(session: Session, clue_id: int) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.clue_id == clue_id)
                                .order_by(Handoff.id)))


def final_replies(session: Session, handoff_ids: list[int]) -> list[HandoffReply]:
    return list(session.scalars(select(HandoffReply).where(
        HandoffReply.handoff_id.in_(handoff_ids), HandoffReply.final.is_(True))
        .order_by(HandoffReply.id)))
