"""Task rows (`tasks`): their states, the first stage, and their creation.

Ground floor: intake records a clue's first task and a stage hands a clue to the next one;
both sit below the pipeline, which claims, finishes and sweeps tasks (hub/pipeline/).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

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
    return list(session.connection().execute(_CREATE, rows).scalars())
