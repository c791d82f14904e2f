"""Task rows (`tasks`): their states, the first stage, and their creation.

Ground floor: intake records a clue's first task and a stage hands a clue to the next one;
both sit below the pipeline, which claims, finishes and sweeps tasks (hub/pipeline/).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from hub.db.bulk import insert_ids
from hub.db.models import Task

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
# The stage every clue starts at (hub.pipeline.stages keeps the order of the stages).
FIRST_STAGE = "normalize"

_TASKS = Task.__table__
# Core, not the ORM's bulk insert: one multi-row INSERT … RETURNING.
_CREATE = insert(_TASKS).returning(_TASKS.c.id, sort_by_parameter_order=True)


def create(session: Session, stage: str, ref_ids: list[int], now: datetime) -> list[int]:
    """One pending task per ref id; the sweeper publishes the wake-up of any left unsent."""
    if not ref_ids:
        return []
    rows = [
        {"stage": stage, "ref_id": ref, "state": PENDING, "attempts": 0, "created_at": now,
         "available_at": now, "published_at": now}
        for ref in ref_ids
    ]
    connection = session.connection()
    ids = insert_ids(connection, _TASKS, rows)  # SQLite: on the driver's cursor
    return ids if ids is not None else list(connection.execute(_CREATE, rows).scalars())


def insert_pending_sql(source: str, ref_column: str = "id") -> str:
    """The INSERT of one pending task per row of `source` (a CTE or table name), for a
    statement that makes its rows and their tasks together (binds `:stage` and `:now`)."""
    return (f"INSERT INTO {_TASKS.name} (stage, ref_id, state, attempts, created_at, "
            f"available_at, published_at) SELECT :stage, {ref_column}, '{PENDING}', 0, "
            f":now, :now, :now FROM {source} RETURNING id, ref_id")
