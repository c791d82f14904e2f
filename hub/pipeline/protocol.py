"""What a pipeline stage is, and how one stage of a combined unit says it failed.

A stage loads what it needs (I/O), computes each item with a pure function, and stores the
results (I/O). The worker around it claims tasks, isolates one item's failure from the
rest, commits once per batch and wakes the next stage. (The stages and their order are in
`hub.pipeline.stages`.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session


class StageFailed(Exception):
    """One stage of a combined unit failed on one item; the text names the stage
    (`route: RuleSetError: …`) and is what the task's `last_error` shows."""

    def __init__(self, stage: str, exc: Exception) -> None:
        super().__init__(f"{stage}: {type(exc).__name__}: {exc}")
        self.stage = stage


class Stage(Protocol):
    name: str
    next_stage: str | None

    def load(self, session: Session, ref_ids: list[int]) -> dict[int, Any]:
        """Inputs for the pure step, by ref id (missing ids are skipped as done)."""

    def compute(self, item: Any) -> Any:
        """The pure step: no I/O. May raise; the item is then retried or failed alone."""

    def store(self, session: Session, results: dict[int, Any], now: datetime) -> None:
        """Write the results of a batch, by ref id (in bulk: one statement per table)."""

    def give_up(self, session: Session, ref_id: int, error: str, now: datetime) -> None:
        """The item failed for good: make it visible where it lives."""
