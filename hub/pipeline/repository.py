"""SQL of the pipeline: the `tasks` table (claim, finish, retry, free, publish, replay,
purge, counts) and the clue unit's reads and writes (a batch's clues read once, updated at
once). What these steps mean (back-off, what is stuck, what is due) is in
`hub.pipeline.tasks`; a task's creation is on the ground floor (`hub.db.tasks`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Integer, Row, any_, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from hub.db.bulk import update_rows
from hub.db.models import Agency, Clue, Task
from hub.db.tasks import DONE, FAILED, PENDING, RUNNING

CLUE_COLUMNS = (Clue.id, Clue.status, Clue.channel, Clue.title, Clue.content, Clue.category,
                Clue.field, Clue.region_code, Clue.urgency, Clue.subjects, Clue.references,
                Clue.reported_at)

_CLUES = Clue.__table__


def clue_rows(session: Session, clue_ids: list[int]) -> list[Row]:
    """What every stage reads of these clues, in one statement."""
    return list(session.execute(
        select(*CLUE_COLUMNS, Agency.region_code.label("sender_region"))
        .outerjoin(Agency, Agency.id == Clue.agency_id).where(Clue.id.in_(clue_ids))))


def update_clues(session: Session, normalized: list[dict[str, Any]],
                 moved: list[dict[str, Any]]) -> None:
    """Rows (by id) of the normalize stage's columns and status; rows of status only. One
    statement each (one JSON document on PostgreSQL, executemany on SQLite)."""
    connection = session.connection()
    update_rows(connection, _CLUES, normalized)
    update_rows(connection, _CLUES, moved)


# -- tasks ----------------------------------------------------------------------------------

_TASKS = Task.__table__


def mark_running(session: Session, task_ids: list[int], worker: str,
                 now: datetime) -> list[tuple[int, int, int]]:
    """Pending, available tasks among `task_ids` become running by `worker`, their attempt
    counted: (id, ref id, attempts) of each one taken (one taken already is not)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # the batch's hot path: the text as is
        return [tuple(row) for row in connection.exec_driver_sql(
            _RUNNING_PG, (RUNNING, now, worker, list(task_ids), PENDING, now))]
    return [tuple(row) for row in connection.execute(
        update(_TASKS)
        .where(_ids_in(connection, task_ids), _TASKS.c.state == PENDING,
               _TASKS.c.available_at <= now)
        .values(state=RUNNING, claimed_at=now, claimed_by=worker,
                attempts=_TASKS.c.attempts + 1)
        .returning(_TASKS.c.id, _TASKS.c.ref_id, _TASKS.c.attempts))]


def mark_done(session: Session, task_ids: list[int], now: datetime) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_DONE_PG, (DONE, now, list(task_ids)))
        return
    connection.execute(
        update(_TASKS).where(_ids_in(connection, task_ids)).values(state=DONE, finished_at=now))


# mark_running and mark_done on PostgreSQL: the statements the expression language makes,
# without its compiling and result processing per batch.
_RUNNING_PG = ("UPDATE tasks SET state = %s, claimed_at = %s, claimed_by = %s, "
               "attempts = attempts + 1 WHERE id = ANY(%s) AND state = %s AND available_at <= %s "
               "RETURNING id, ref_id, attempts")
_DONE_PG = "UPDATE tasks SET state = %s, finished_at = %s WHERE id = ANY(%s)"


def _ids_in(connection, task_ids: list[int]):  # noqa: ANN001, ANN202
    """`id = ANY(array)` on PostgreSQL: one statement text whatever the batch's size (the
    driver prepares it once), where an IN list is a new statement for every length."""
    if connection.dialect.name == "postgresql":
        return _TASKS.c.id == any_(bindparam("task_ids", list(task_ids), type_=ARRAY(Integer)))
    return _TASKS.c.id.in_(task_ids)


def set_task(session: Session, task_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Task).where(Task.id == task_id).values(**values))


def free_running_claimed_before(session: Session, cutoff: datetime, now: datetime) -> int:
    """Running tasks claimed before `cutoff` become pending again, to be published anew."""
    return session.execute(
        update(Task).where(Task.state == RUNNING, Task.claimed_at < cutoff)
        .values(state=PENDING, available_at=now, published_at=None)
    ).rowcount


def unpublished_pending(session: Session, now: datetime, published_before: datetime,
                        limit: int) -> list[tuple[int, str]]:
    """(id, stage) of available pending tasks never published or published before the
    cutoff, oldest first."""
    return [tuple(row) for row in session.execute(
        select(Task.id, Task.stage)
        .where(Task.state == PENDING, Task.available_at <= now,
               or_(Task.published_at.is_(None), Task.published_at < published_before))
        .order_by(Task.id).limit(limit))]


def mark_published(session: Session, task_ids: list[int], now: datetime) -> None:
    session.execute(update(Task).where(Task.id.in_(task_ids)).values(published_at=now))


def reset_failed(session: Session, now: datetime, task_ids: list[int] | None = None) -> int:
    """Failed tasks (all, or those of `task_ids`) pending again with their attempts at 0."""
    query = update(Task).where(Task.state == FAILED)
    if task_ids is not None:
        query = query.where(Task.id.in_(task_ids))
    return session.execute(
        query.values(state=PENDING, attempts=0, available_at=now, published_at=None,
                     finished_at=None)
    ).rowcount


def delete_done_before(session: Session, finished_before: datetime) -> int:
    return session.execute(
        delete(Task).where(Task.state == DONE, Task.finished_at < finished_before)
    ).rowcount


def failed_tasks(session: Session, limit: int) -> list[Task]:
    return list(
        session.scalars(select(Task).where(Task.state == FAILED).order_by(Task.id).limit(limit)))


def task_counts(session: Session) -> dict[tuple[str, str], int]:
    """How many tasks, by (stage, state)."""
    rows = session.execute(
        select(Task.stage, Task.state, func.count()).group_by(Task.stage, Task.state))
    return {(stage, state): n for stage, state, n in rows}


def oldest_open_created_at(session: Session) -> datetime | None:
    """When the oldest pending or running task was created."""
    return session.scalar(
        select(func.min(Task.created_at)).where(Task.state.in_([PENDING, RUNNING])))
