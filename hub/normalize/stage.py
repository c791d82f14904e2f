"""The normalize stage: fill what the sender left out (category, region) and say how.

The clue's submitted fields were validated at intake; here the hub classifies the category
and enforcement field from the text, takes the region from the subjects or the text,
resolves the subject units against the directory (or finds one in the text), and puts the
clue in the review queue (`pending_review`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.directory.index import DirectoryIndex
from hub.directory.resolve import DEFAULT_THRESHOLD
from hub.directory.snapshot import current_index, home_of
from hub.directory.subjects import resolve_subjects
from hub.normalize import repository
from hub.normalize.classify import classify
from hub.normalize.codes import region_of_text
from hub.search.repository import index_clues

PENDING_REVIEW = "pending_review"


@dataclass(frozen=True)
class NormalizeInput:
    channel: str
    title: str
    content: str
    category: str | None
    region_code: str | None
    subjects: list[dict[str, Any]] = field(default_factory=list)
    # The directory snapshot the stage loaded for this batch (shared, read-only).
    directory: DirectoryIndex | None = field(default=None, repr=False, compare=False)
    # The sending agency's division: places named in the text inside it are preferred.
    sender_region: str | None = None


@dataclass(frozen=True)
class NormalizeResult:
    category: str
    category_source: str
    field: str | None
    region_code: str | None
    region_source: str | None
    matched: tuple[str, ...] = ()
    subjects: list[dict[str, Any]] = field(default_factory=list)
    subjects_note: dict[str, Any] = field(default_factory=dict)


def normalize(
    item: NormalizeInput, prefer_prefix: str | None, threshold: float = DEFAULT_THRESHOLD
) -> NormalizeResult:
    """Pure: the normalized category, region and subject units of one clue."""
    guess = classify(item.title, item.content, item.channel)
    if item.category:
        category, source, matched = item.category, "sent", ()
    else:
        category, source, matched = guess.category, "classified", guess.matched
    region, region_source = _region(item, prefer_prefix)
    subjects, note = _subjects(item, region, threshold)
    return NormalizeResult(category, source, guess.field, region, region_source, matched,
                           subjects, note)


def _subjects(item: NormalizeInput, region: str | None,
              threshold: float) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Subjects resolved against the directory, and how (kept as sent without a directory)."""
    if item.directory is None or not len(item.directory):
        return list(item.subjects), {"skipped": "directory_empty"}
    resolved = resolve_subjects(item.directory, item.subjects, clue_region=region,
                                title=item.title, content=item.content, threshold=threshold)
    methods = [s["resolution"]["method"] for s in resolved]
    return resolved, {"methods": methods, "unresolved": methods.count("unresolved")}


def _region(item: NormalizeInput, prefer_prefix: str | None) -> tuple[str | None, str | None]:
    if item.region_code:
        return item.region_code, "sent"
    for subject in item.subjects:
        if subject.get("region_code"):
            return subject["region_code"], "subject"
    names = " ".join(s.get("name", "") for s in item.subjects)
    found = region_of_text(f"{names} {item.title} {item.content}", prefer_prefix=prefer_prefix,
                           sender_region=item.sender_region)
    return (found, "text") if found else (None, None)


def store_rows(results: dict[int, NormalizeResult], status: str,
               now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pure: the clue updates (by id) and the `normalized` events of a batch's results."""
    updates, events = [], []
    for ref_id, result in results.items():
        explanation = {
            "category": {"source": result.category_source, "matched": list(result.matched)},
            "region": {"source": result.region_source},
            "subjects": result.subjects_note,
        }
        updates.append({
            "id": ref_id, "category": result.category,
            "category_source": result.category_source, "field": result.field,
            "region_code": result.region_code, "region_source": result.region_source,
            "subjects": result.subjects, "normalization": explanation, "status": status,
            "updated_at": now,
        })
        events.append({"clue_id": ref_id, "at": now, "actor": "system",
                       "action": "normalized", "detail": explanation})
    return updates, events


class NormalizeStage:
    name = "normalize"

    def __init__(self, next_stage: str | None, prefer_prefix: str | None = None,
                 match_threshold: float = DEFAULT_THRESHOLD) -> None:
        self.next_stage = next_stage
        self.prefer_prefix = prefer_prefix
        self.match_threshold = match_threshold

    def load(self, session: Session, ref_ids: list[int]) -> dict[int, NormalizeInput]:
        directory = current_index(session, home_of(self.prefer_prefix))
        rows = repository.clue_inputs(session, ref_ids)
        return {row.id: NormalizeInput(row.channel, row.title, row.content, row.category,
                                       row.region_code, row.subjects or [], directory,
                                       row.sender_region)
                for row in rows}

    def compute(self, item: NormalizeInput) -> NormalizeResult:
        return normalize(item, self.prefer_prefix, self.match_threshold)

    def store(self, session: Session, results: dict[int, NormalizeResult], now: datetime) -> None:
        status = "normalized" if self.next_stage else PENDING_REVIEW
        updates, events = store_rows(results, status, now)
        repository.write_normalized(session, updates, events)
        index_clues(session, results)  # the search index, in the same transaction

    def give_up(self, session: Session, ref_id: int, error: str, now: datetime) -> None:
        repository.mark_clue_failed(session, ref_id, "normalize_failed", error, now)
