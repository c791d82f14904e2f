"""SQL over the `tasks` table: create, claim, finish, fail, sweep, replay."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from hub.db.models import Task
from hub.db.tasks import DONE, FAILED, PENDING, RUNNING, create

__all__ = ["DONE", "FAILED", "PENDING", "RUNNING", "Claimed", "create"]
_TASKS = Task.__table__


@dataclass(frozen=True)
class Claimed:
    task_id: int
    ref_id: int
    attempts: int


def claim(session: Session, task_ids: list[int], worker: str, now: datetime) -> list[Claimed]:
    """Mark pending tasks as running by this worker; a task already taken is skipped."""
    result = session.connection().execute(
        update(_TASKS)
        .where(_TASKS.c.id.in_(task_ids), _TASKS.c.state == PENDING, _TASKS.c.available_at <= now)
        .values(state=RUNNING, claimed_at=now, claimed_by=worker,
                attempts=_TASKS.c.attempts + 1)
        .returning(_TASKS.c.id, _TASKS.c.ref_id, _TASKS.c.attempts)
    )
    return [Claimed(*row) for row in result]


def finish(session: Session, task_ids: list[int], now: datetime) -> None:
    if task_ids:
        session.connection().execute(
            update(_TASKS).where(_TASKS.c.id.in_(task_ids)).values(state=DONE, finished_at=now))


def fail(session: Session, task: Claimed, error: str, max_attempts: int, now: datetime) -> str:
    """Retry later with back-off, or mark failed for good (visible, replayable)."""
    if task.attempts >= max_attempts:
        values = {"state": FAILED, "finished_at": now, "last_error": error}
    else:
        delay = timedelta(seconds=min(300, 2 ** task.attempts))
        values = {"state": PENDING, "available_at": now + delay, "published_at": None,
                  "last_error": error}
    session.execute(update(Task).where(Task.id == task.task_id).values(**values))
    return values["state"]


def release_stuck(session: Session, now: datetime, stuck_after: float) -> int:
    """Tasks claimed by a worker that died go back to pending.

    Their attempt was counted at claim time, so a record that kills every worker that
    touches it ends as failed instead of circulating forever (see Worker.process).
    """
    cutoff = now - timedelta(seconds=stuck_after)
    return session.execute(
        update(Task).where(Task.state == RUNNING, Task.claimed_at < cutoff)
        .values(state=PENDING, available_at=now, published_at=None)
    ).rowcount


def due_for_publish(
    session: Session, now: datetime, unclaimed_after: float, limit: int = 5000
) -> dict[str, list[int]]:
    """Pending tasks whose wake-up was never sent or seems lost; marks them published."""
    cutoff = now - timedelta(seconds=unclaimed_after)
    rows = session.execute(
        select(Task.id, Task.stage)
        .where(Task.state == PENDING, Task.available_at <= now,
               or_(Task.published_at.is_(None), Task.published_at < cutoff))
        .order_by(Task.id).limit(limit)
    ).all()
    by_stage: dict[str, list[int]] = defaultdict(list)
    for task_id, stage in rows:
        by_stage[stage].append(task_id)
    if rows:
        session.execute(
            update(Task).where(Task.id.in_([r[0] for r in rows])).values(published_at=now)
        )
    return dict(by_stage)


def replay_failed(session: Session, now: datetime, task_ids: list[int] | None = None) -> int:
    query = update(Task).where(Task.state == FAILED)
    if task_ids is not None:
        query = query.where(Task.id.in_(task_ids))
    return session.execute(
        query.values(state=PENDING, attempts=0, available_at=now, published_at=None,
                     finished_at=None)
    ).rowcount


def purge_done(session: Session, finished_before: datetime) -> int:
    """Delete done tasks finished before the cutoff: their results live in the records they
    made; failed ones stay until replayed."""
    return session.execute(
        delete(Task).where(Task.state == DONE, Task.finished_at < finished_before)
    ).rowcount


def list_failed(session: Session, limit: int = 100) -> list[Task]:
    return list(
        session.scalars(select(Task).where(Task.state == FAILED).order_by(Task.id).limit(limit))
    )


def counts(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(Task.stage, Task.state, func.count()).group_by(Task.stage, Task.state))
    return {(stage, state): n for stage, state, n in rows}


def oldest_pending_age(session: Session, now: datetime) -> float:
    oldest = session.scalar(select(func.min(Task.created_at)).where(Task.state.in_([PENDING, RUNNING])))
    if oldest is None:
        return 0.0
    return max(0.0, (now - oldest).total_seconds())
