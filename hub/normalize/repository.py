"""SQL of the normalize stage: what it reads of a batch's clues, its writes (clue columns and
`normalized` events, one statement each), and a clue failed for good by a pipeline stage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from hub.db.models import Agency, Clue, ClueEvent


def clue_inputs(session: Session, clue_ids: list[int]) -> list[Row]:
    """The clues' sent columns, with the sending agency's division (`sender_region`)."""
    return list(session.execute(
        select(Clue.id, Clue.channel, Clue.title, Clue.content, Clue.category,
               Clue.region_code, Clue.subjects, Agency.region_code.label("sender_region"))
        .outerjoin(Agency, Agency.id == Clue.agency_id).where(Clue.id.in_(clue_ids))))


def write_normalized(session: Session, updates: list[dict[str, Any]],
                     events: list[dict[str, Any]]) -> None:
    """The clues' normalized columns (rows by id) and their events."""
    session.execute(update(Clue), updates)
    session.execute(insert(ClueEvent), events)


def mark_clue_failed(session: Session, clue_id: int, action: str, error: str,
                     now: datetime) -> None:
    """The clue `failed`, with an event (`action`: the stage's `…_failed`) saying why."""
    session.execute(update(Clue).where(Clue.id == clue_id).values(status="failed",
                                                                 updated_at=now))
    session.add(ClueEvent(clue_id=clue_id, at=now, actor="system", action=action,
                          detail={"error": error}))
