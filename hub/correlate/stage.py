"""The correlate stage: find the clues about the same problem and keep them in one cluster.

load: the clues' text and fields; compute (pure): the profile, MinHash band keys and field
keys; store: index the batch, then link each clue (hub.correlate.link), write a `correlated`
event with the reasons, and move the clue on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.correlate import clusters, repository
from hub.correlate.decide import WINDOW_DAYS
from hub.correlate.index import Entry
from hub.correlate.link import Plan, apply, plan
from hub.correlate.profile import build_profile, index_keys
from hub.db import tasks  # the sweeper wakes the task give_up creates

PENDING_REVIEW = "pending_review"
CORRELATED = "correlated"


@dataclass(frozen=True)
class CorrelateInput:
    clue_id: int
    channel: str
    title: str
    content: str
    region_code: str | None
    reported_at: datetime
    subjects: list[dict[str, Any]] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)


def prepare(item: CorrelateInput) -> Entry:
    """Pure: what the index stores for one clue."""
    profile = build_profile(title=item.title, content=item.content, channel=item.channel,
                            region_code=item.region_code, subjects=item.subjects,
                            references=item.references, reported_at=item.reported_at)
    bands, keys = index_keys(profile)
    return Entry(item.clue_id, profile, bands, frozenset(keys))


def load_inputs(session: Session, ref_ids: list[int]) -> dict[int, CorrelateInput]:
    rows = repository.correlate_rows(session, ref_ids)
    return {row.id: CorrelateInput(row.id, row.channel, row.title, row.content, row.region_code,
                                   row.reported_at, row.subjects or [], row.references or [])
            for row in rows}


class Planned(dict):
    """A batch's results with the linking plan read for them (CorrelateStage.plan)."""

    def __init__(self, results: dict[int, Entry], planned: Plan) -> None:
        super().__init__(results)
        self.plan = planned


class CorrelateStage:
    name = "correlate"

    def __init__(self, next_stage: str | None, window_days: int = WINDOW_DAYS) -> None:
        self.next_stage = next_stage
        self.window_days = window_days

    def load(self, session: Session, ref_ids: list[int]) -> dict[int, CorrelateInput]:
        return load_inputs(session, ref_ids)

    def compute(self, item: CorrelateInput) -> Entry:
        return prepare(item)

    def plan(self, session: Session, results: dict[int, Entry]) -> Planned:
        """Read the index for the whole batch and score it, outside any lock (a read)."""
        return Planned(results, plan(session, list(results.values()), self.window_days))

    def store(self, session: Session, results: dict[int, Entry], now: datetime) -> None:
        self._move_on(session, list(results), now)  # first: SQLite's write lock from here on
        planned = (results.plan if isinstance(results, Planned)
                   else plan(session, list(results.values()), self.window_days))
        apply(session, planned, now)

    def give_up(self, session: Session, ref_id: int, error: str, now: datetime) -> None:
        """Correlation is an aid: a clue it fails on still goes on to review, uncorrelated."""
        self._move_on(session, [ref_id], now)
        if self.next_stage:
            tasks.create(session, self.next_stage, [ref_id], now)
        clusters.record(session, [clusters.event(ref_id, "correlate_failed", clusters.SYSTEM,
                                                 now, error=error)])

    def _move_on(self, session: Session, clue_ids: list[int], now: datetime) -> None:
        status = CORRELATED if self.next_stage else PENDING_REVIEW
        repository.set_status(session, clue_ids, status, now)
