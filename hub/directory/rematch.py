"""Resolving the subjects of stored clues again, after the directory changed.

Clues normalized before a body was added (or before any directory was loaded) keep their
"unresolved" subjects until this runs; `hub directory rematch` runs it batch by batch, the
caller committing after each. Reviewers' picks are kept (see subjects.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import repository
from .index import DirectoryIndex
from .resolve import DEFAULT_THRESHOLD
from .subjects import method_of, resolve_subjects

BATCH = 500
# Clues the normalize stage has not reached yet, or gave up on: left to the pipeline.
_SKIPPED_STATUSES = ("received", "failed")


def needs_rematch(subjects: list[dict[str, Any]]) -> bool:
    """No subject, one never resolved (no directory then), or one left unresolved."""
    return not subjects or any(method_of(s) in (None, "unresolved") for s in subjects)


def rematch_batch(
    session: Session, index: DirectoryIndex, *, after_id: int, now: datetime,
    everything: bool = False, threshold: float = DEFAULT_THRESHOLD, batch: int = BATCH,
) -> tuple[int | None, int]:
    """One batch of clues after `after_id`: (the last id seen or None when done, changed)."""
    rows = repository.clues_after(session, after_id, _SKIPPED_STATUSES, batch)
    if not rows:
        return None, 0
    updates, events = [], []
    for row in rows:
        subjects = row.subjects or []
        if not (everything or needs_rematch(subjects)):
            continue
        resolved = resolve_subjects(index, subjects, clue_region=row.region_code,
                                    title=row.title, content=row.content, threshold=threshold)
        if resolved != subjects:
            updates.append({"id": row.id, "subjects": resolved, "updated_at": now})
            events.append({"clue_id": row.id, "at": now, "actor": "system",
                           "action": "subjects_rematched",
                           "detail": {"methods": [method_of(s) for s in resolved]}})
    if updates:
        repository.store_rematched(session, updates, events)
    return rows[-1].id, len(updates)
