"""SQL for intake: raw records and clues."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from hub.db.models import Clue, RawRecord


def insert_raws(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    result = session.execute(insert(RawRecord).returning(RawRecord.id, sort_by_parameter_order=True),
                             rows)
    return list(result.scalars())


def existing_by_keys(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Clue]:
    """Clues already received, by (agency_id, source_ref)."""
    found: dict[tuple[int, str], Clue] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.scalars(select(Clue).where(tuple_(Clue.agency_id, Clue.source_ref).in_(chunk)))
        found.update({(clue.agency_id, clue.source_ref): clue for clue in rows})
    return found


def insert_clues(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    result = session.execute(insert(Clue).returning(Clue.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def get_clue(session: Session, agency_id: int, clue_id: int) -> Clue | None:
    clue = session.get(Clue, clue_id)
    return clue if clue is not None and clue.agency_id == agency_id else None
