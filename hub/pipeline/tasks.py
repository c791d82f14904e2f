"""A task's life: claimed, finished, retried with back-off or failed for good, freed when its
worker died, published again when its wake-up was lost, replayed, purged (the SQL is in
`hub.pipeline.repository`; creation in `hub.db.tasks`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from hub.db.models import Task
from hub.db.tasks import DONE, FAILED, PENDING, RUNNING, create
from hub.pipeline import repository

__all__ = ["DONE", "FAILED", "PENDING", "RUNNING", "Claimed", "create"]


@dataclass(frozen=True)
class Claimed:
    task_id: int
    ref_id: int
    attempts: int


def claim(session: Session, task_ids: list[int], worker: str, now: datetime) -> list[Claimed]:
    """Mark pending tasks as running by this worker; a task already taken is skipped."""
    return [Claimed(*row) for row in repository.mark_running(session, task_ids, worker, now)]


def finish(session: Session, task_ids: list[int], now: datetime) -> None:
    if task_ids:
        repository.mark_done(session, task_ids, now)


def fail(session: Session, task: Claimed, error: str, max_attempts: int, now: datetime) -> str:
    """Retry later with back-off, or mark failed for good (visible, replayable)."""
    if task.attempts >= max_attempts:
        values = {"state": FAILED, "finished_at": now, "last_error": error}
    else:
        delay = timedelta(seconds=min(300, 2 ** task.attempts))
        values = {"state": PENDING, "available_at": now + delay, "published_at": None,
                  "last_error": error}
    repository.set_task(session, task.task_id, values)
    return values["state"]


def release_stuck(session: Session, now: datetime, stuck_after: float) -> int:
    """Tasks claimed by a worker that died go back to pending.

    Their attempt was counted at claim time, so a record that kills every worker that
    touches it ends as failed instead of circulating forever (see Worker.process).
    """
    cutoff = now - timedelta(seconds=stuck_after)
    return repository.free_running_claimed_before(session, cutoff, now)


def due_for_publish(
    session: Session, now: datetime, unclaimed_after: float, limit: int = 5000
) -> dict[str, list[int]]:
    """Pending tasks whose wake-up was never sent or seems lost; marks them published."""
    cutoff = now - timedelta(seconds=unclaimed_after)
    rows = repository.unpublished_pending(session, now, cutoff, limit)
    by_stage: dict[str, list[int]] = defaultdict(list)
    for task_id, stage in rows:
        by_stage[stage].append(task_id)
    if rows:
        repository.mark_published(session, [task_id for task_id, _ in rows], now)
    return dict(by_stage)


def replay_failed(session: Session, now: datetime, task_ids: list[int] | None = None) -> int:
    return repository.reset_failed(session, now, task_ids)


def purge_done(session: Session, finished_before: datetime) -> int:
    """Delete done tasks finished before the cutoff: their results live in the records they
    made; failed ones stay until replayed."""
    return repository.delete_done_before(session, finished_before)


def list_failed(session: Session, limit: int = 100) -> list[Task]:
    return repository.failed_tasks(session, limit)


def counts(session: Session) -> dict[tuple[str, str], int]:
    return repository.task_counts(session)


def oldest_pending_age(session: Session, now: datetime) -> float:
    oldest = repository.oldest_open_created_at(session)
    if oldest is None:
        return 0.0
    return max(0.0, (now - oldest).total_seconds())
