"""SQL of the clue pipeline's unit of work: read a batch's clues once, update them at once.

(The `tasks` table's SQL is in `hub.pipeline.tasks`.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from hub.db.models import Agency, Clue

CLUE_COLUMNS = (Clue.id, Clue.status, Clue.channel, Clue.title, Clue.content, Clue.category,
                Clue.field, Clue.region_code, Clue.urgency, Clue.subjects, Clue.references,
                Clue.reported_at)

_CLUES = Clue.__table__
_NORMALIZED = (update(_CLUES).where(_CLUES.c.id == bindparam("b_id")).values(
    category=bindparam("b_category"), category_source=bindparam("b_category_source"),
    field=bindparam("b_field"), region_code=bindparam("b_region_code"),
    region_source=bindparam("b_region_source"), subjects=bindparam("b_subjects"),
    normalization=bindparam("b_normalization"), status=bindparam("b_status"),
    updated_at=bindparam("b_updated_at")))
_STATUS = (update(_CLUES).where(_CLUES.c.id == bindparam("b_id")).values(
    status=bindparam("b_status"), updated_at=bindparam("b_updated_at")))


def clue_rows(session: Session, clue_ids: list[int]) -> list[Row]:
    """What every stage reads of these clues, in one statement."""
    return list(session.execute(
        select(*CLUE_COLUMNS, Agency.region_code.label("sender_region"))
        .outerjoin(Agency, Agency.id == Clue.agency_id).where(Clue.id.in_(clue_ids))))


def update_clues(session: Session, normalized: list[dict[str, Any]],
                 moved: list[dict[str, Any]]) -> None:
    """Rows (by id) of the normalize stage's columns and status; rows of status only. Core
    executemany, one statement each."""
    connection = session.connection()
    if normalized:
        connection.execute(_NORMALIZED, [{f"b_{k}": v for k, v in row.items()}
                                         for row in normalized])
    if moved:
        connection.execute(_STATUS, [{f"b_{k}": v for k, v in row.items()} for row in moved])
