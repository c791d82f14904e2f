"""The normalize stage: fill what the sender left out (category, region) and say how.

The clue's submitted fields were validated at intake; here the hub classifies the category
and enforcement field from the text, takes the region from the subjects or the text, and
puts the clue in the review queue (`pending_review`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hub.db.models import Clue, ClueEvent
from hub.normalize.classify import classify
from hub.normalize.codes import region_of_text

PENDING_REVIEW = "pending_review"


@dataclass(frozen=True)
class NormalizeInput:
    channel: str
    title: str
    content: str
    category: str | None
    region_code: str | None
    subjects: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class NormalizeResult:
    category: str
    category_source: str
    field: str | None
    region_code: str | None
    region_source: str | None
    matched: tuple[str, ...] = ()


def normalize(item: NormalizeInput, prefer_prefix: str | None) -> NormalizeResult:
    """Pure: the normalized category and region of one clue."""
    guess = classify(item.title, item.content, item.channel)
    if item.category:
        category, source, matched = item.category, "sent", ()
    else:
        category, source, matched = guess.category, "classified", guess.matched
    region, region_source = _region(item, prefer_prefix)
    return NormalizeResult(category, source, guess.field, region, region_source, matched)


def _region(item: NormalizeInput, prefer_prefix: str | None) -> tuple[str | None, str | None]:
    if item.region_code:
        return item.region_code, "sent"
    for subject in item.subjects:
        if subject.get("region_code"):
            return subject["region_code"], "subject"
    names = " ".join(s.get("name", "") for s in item.subjects)
    found = region_of_text(f"{names} {item.title} {item.content}", prefer_prefix=prefer_prefix)
    return (found, "text") if found else (None, None)


class NormalizeStage:
    name = "normalize"

    def __init__(self, next_stage: str | None, prefer_prefix: str | None = None) -> None:
        self.next_stage = next_stage
        self.prefer_prefix = prefer_prefix

    def load(self, session: Session, ref_ids: list[int]) -> dict[int, NormalizeInput]:
        rows = session.execute(
            select(Clue.id, Clue.channel, Clue.title, Clue.content, Clue.category,
                   Clue.region_code, Clue.subjects).where(Clue.id.in_(ref_ids))
        )
        return {row.id: NormalizeInput(row.channel, row.title, row.content, row.category,
                                       row.region_code, row.subjects or []) for row in rows}

    def compute(self, item: NormalizeInput) -> NormalizeResult:
        return normalize(item, self.prefer_prefix)

    def store(self, session: Session, results: dict[int, NormalizeResult], now: datetime) -> None:
        status = "normalized" if self.next_stage else PENDING_REVIEW
        updates, events = [], []
        for ref_id, result in results.items():
            explanation = {
                "category": {"source": result.category_source, "matched": list(result.matched)},
                "region": {"source": result.region_source},
            }
            updates.append({
                "id": ref_id, "category": result.category,
                "category_source": result.category_source, "field": result.field,
                "region_code": result.region_code, "region_source": result.region_source,
                "normalization": explanation, "status": status, "updated_at": now,
            })
            events.append({"clue_id": ref_id, "at": now, "actor": "system",
                           "action": "normalized", "detail": explanation})
        session.execute(update(Clue), updates)
        session.execute(insert(ClueEvent), events)

    def give_up(self, session: Session, ref_id: int, error: str, now: datetime) -> None:
        session.execute(update(Clue).where(Clue.id == ref_id).values(status="failed", updated_at=now))
        session.add(ClueEvent(clue_id=ref_id, at=now, actor="system", action="normalize_failed",
                              detail={"error": error}))
