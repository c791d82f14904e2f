"""SQL of a clue as the desk reads and decides it: its source, its history, the clues a
decision locks, its latest decision, duplicates merged into it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.review.models import ClueMerge, Decision


def clue_with_source(session: Session, clue_id: int) -> tuple[Clue, RawRecord, Agency] | None:
    row = session.execute(
        select(Clue, RawRecord, Agency).join(RawRecord, RawRecord.id == Clue.raw_record_id)
        .join(Agency, Agency.id == Clue.agency_id).where(Clue.id == clue_id)
    ).first()
    return (row.Clue, row.RawRecord, row.Agency) if row else None


def history(session: Session, clue_id: int) -> tuple[list[ClueEvent], list[Decision]]:
    events = session.scalars(select(ClueEvent).where(ClueEvent.clue_id == clue_id)
                             .order_by(ClueEvent.at, ClueEvent.id)).all()
    decisions = session.scalars(select(Decision).where(Decision.clue_id == clue_id)
                                .order_by(Decision.decided_at, Decision.id)).all()
    return list(events), list(decisions)


def clues_by_id(session: Session, ids: list[int]) -> list[Clue]:
    return list(session.scalars(select(Clue).where(Clue.id.in_(ids)).with_for_update()))


def clues_by_ids(session: Session, ids: list[int]) -> list[Clue]:
    """Clues to show (no lock)."""
    return list(session.scalars(select(Clue).where(Clue.id.in_(ids)))) if ids else []


def clue(session: Session, clue_id: int) -> Clue | None:
    return session.get(Clue, clue_id)


def decisions_latest(session: Session, clue_ids: list[int]) -> dict[int, Decision]:
    """The latest decision of each clue."""
    out: dict[int, Decision] = {}
    if clue_ids:
        for d in session.scalars(select(Decision).where(Decision.clue_id.in_(clue_ids))
                                 .order_by(Decision.decided_at, Decision.id)):
            out[d.clue_id] = d
    return out


# -- merged duplicates ------------------------------------------------------------------------

def add_merge(session: Session, merge: ClueMerge) -> None:
    session.add(merge)


def merged_into(session: Session, clue_id: int) -> ClueMerge | None:
    return session.get(ClueMerge, clue_id)


def absorbed(session: Session, clue_id: int) -> list[ClueMerge]:
    """The duplicates merged into this clue, in the order they were merged."""
    return list(session.scalars(select(ClueMerge).where(ClueMerge.into_clue_id == clue_id)
                                .order_by(ClueMerge.merged_at, ClueMerge.clue_id)))
