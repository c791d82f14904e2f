"""SQL for intake: raw records, clues, their first history entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hub.db.models import Clue, ClueEvent, RawRecord


def insert_raw(session: Session, **values: Any) -> int:
    return session.execute(insert(RawRecord).returning(RawRecord.id), [values]).scalar_one()


def existing_by_source_ref(session: Session, agency_id: int, refs: list[str]) -> dict[str, Clue]:
    if not refs:
        return {}
    rows = session.scalars(
        select(Clue).where(Clue.agency_id == agency_id, Clue.source_ref.in_(refs))
    )
    return {clue.source_ref: clue for clue in rows}


def insert_clues(session: Session, rows: list[dict[str, Any]], now: datetime) -> list[int]:
    ids = list(
        session.execute(
            insert(Clue).returning(Clue.id, sort_by_parameter_order=True), rows
        ).scalars()
    )
    session.execute(
        insert(ClueEvent),
        [{"clue_id": i, "at": now, "actor": f"agency:{row['agency_id']}", "action": "received",
          "detail": {"raw_record_id": row["raw_record_id"], "raw_index": row["raw_index"]}}
         for i, row in zip(ids, rows, strict=True)],
    )
    return ids


def get_clue(session: Session, agency_id: int, clue_id: int) -> Clue | None:
    clue = session.get(Clue, clue_id)
    return clue if clue is not None and clue.agency_id == agency_id else None
