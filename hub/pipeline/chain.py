"""The clue pipeline as one unit per batch: normalize → correlate → route in one claim and
one transaction (one task row per clue, not three).

load reads each clue once (with the directory snapshot and the active rule set); compute runs
the three pure steps one after the other; plan reads the correlation index for the whole
batch (outside any lock); store writes every stage's rows with one statement per table, the
correlation's short locked part last. A clue starts where its status says it stopped
(`normalized` → correlate, `correlated` → route; tasks of the old per-stage pipeline are
finished this way too); a clue already waiting for review or beyond is left as it is.

Failures keep their meaning: normalize or route failing on a clue fails that clue alone
(retried, then `failed` with the stage's event, the error saying which stage); correlation
is an aid, so a clue it fails on goes on uncorrelated (`correlate_failed` event).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from hub.correlate import clusters
from hub.correlate.index import Entry
from hub.correlate.link import Plan, apply, plan
from hub.correlate.stage import CorrelateInput, CorrelateStage, prepare
from hub.correlate.text import rare_word_similarity
from hub.db.types import utcnow
from hub.directory.snapshot import current_index, home_of
from hub.normalize.stage import NormalizeInput, NormalizeResult, NormalizeStage, normalize
from hub.normalize.stage import store_rows as normalize_rows
from hub.pipeline import repository
from hub.pipeline.protocol import StageFailed
from hub.route import repository as route_repository
from hub.route.conditions import ClueFacts
from hub.route.evaluate import CompiledRuleSet, Routing, evaluate
from hub.route.messages import RuleSetError
from hub.route.stage import RouteStage, seed_if_default
from hub.route.stage import store_rows as route_rows
from hub.search.repository import batch_written, terms_of

PENDING_REVIEW = "pending_review"
# Where a clue starts, by its status: 0 normalize, 1 correlate, 2 route.
START = {"received": 0, "failed": 0, "normalized": 1, "correlated": 2}
# The clue a worker computes once at start (ClueStage.warm): a place, a body, a document number.
_SAMPLE = {
    "id": 0, "channel": "hotline", "title": "关于城关镇拆迁补偿款未发放的投诉",
    "content": "群众反映十堰市郧阳区城关镇某村拆迁补偿款至今未发放，郧阳区城管局未处理，"
               "行政处罚决定书郧交罚〔2024〕15号未执行。",
    "category": None, "field": None, "region_code": None, "subjects": [], "references": [],
    "sender_region": None, "urgency": "normal"}


@dataclass(frozen=True)
class ClueInput:
    start: int
    row: Any  # the clue's columns (hub.pipeline.repository.CLUE_COLUMNS)
    directory: Any = field(repr=False, compare=False)
    rules: CompiledRuleSet | RuleSetError | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class ClueResult:
    normalized: NormalizeResult | None
    entry: Entry | None
    correlate_error: str | None
    routing: Routing
    terms: tuple[str, str] | None = None  # the search index's terms, when normalized


class ClueStage:
    """normalize → correlate → route for a batch (see the module's text)."""

    name = "normalize"  # the first stage's name: intake creates these tasks
    next_stage: str | None = None
    offloadable = True  # load and compute may run in a second process (hub.pipeline.offload)

    def __init__(self, normalize_stage: NormalizeStage, correlate_stage: CorrelateStage,
                 route_stage: RouteStage) -> None:
        self.normalize = normalize_stage
        self.correlate = correlate_stage
        self.route = route_stage

    def warm(self, session: Session) -> None:
        """What `load` reads for every batch and the process keeps (the directory's index
        and the active rule set, compiled), then one made-up clue through the pure steps, so
        that what they build on first use (the classifier's rules, the division names' text
        index, the bigram weights: ≈ 75 ms of CPU a process) is built now, not in the first
        batch."""
        directory = current_index(session, home_of(self.normalize.prefer_prefix))
        rules = self.route._active_rules(session)
        sample = SimpleNamespace(**_SAMPLE, reported_at=utcnow())
        self.compute(ClueInput(0, sample, directory, rules))
        rare_word_similarity(sample.title, sample.content)

    def load(self, session: Session, ref_ids: list[int]) -> dict[int, ClueInput]:
        rows = [row for row in repository.clue_rows(session, ref_ids)
                if row.status in START]
        if not rows:
            return {}
        directory = (current_index(session, home_of(self.normalize.prefer_prefix))
                     if any(START[row.status] == 0 for row in rows) else None)
        rules = self.route._active_rules(session)
        return {row.id: ClueInput(START[row.status], row, directory, rules) for row in rows}

    def compute(self, item: ClueInput) -> ClueResult:
        row = item.row
        category, fld, region, subjects = row.category, row.field, row.region_code, row.subjects
        normalized = terms = None
        if item.start == 0:
            try:
                normalized = normalize(
                    NormalizeInput(row.channel, row.title, row.content, row.category,
                                   row.region_code, row.subjects or [], item.directory,
                                   row.sender_region),
                    self.normalize.prefer_prefix, self.normalize.match_threshold)
                # what index_clues would read back once the clue is updated
                terms = terms_of(row.title, row.content, normalized.subjects, row.references)
            except Exception as exc:
                raise StageFailed("normalize", exc) from exc
            category, fld = normalized.category, normalized.field
            region, subjects = normalized.region_code, normalized.subjects
        entry = error = None
        if item.start <= 1:
            try:
                entry = prepare(CorrelateInput(row.id, row.channel, row.title, row.content, region,
                                               row.reported_at, subjects or [],
                                               row.references or []))
            except Exception as exc:  # correlation is an aid: the clue goes on without it
                error = f"{type(exc).__name__}: {exc}"
        facts = ClueFacts(
            channel=row.channel, title=row.title, content=row.content, category=category,
            field=fld, region_code=region, urgency=row.urgency or "normal",
            subjects=tuple(s for s in subjects or [] if isinstance(s, dict)),
            references=tuple(r for r in row.references or [] if isinstance(r, dict)))
        try:
            if isinstance(item.rules, RuleSetError):
                raise item.rules
            routing = evaluate(item.rules, facts)
        except Exception as exc:
            raise StageFailed("route", exc) from exc
        return ClueResult(normalized, entry, error, routing, terms)

    def plan(self, session: Session, results: dict[int, ClueResult]) -> Planned:
        entries = [r.entry for r in results.values() if r.entry is not None]
        return Planned(results, plan(session, entries, self.correlate.window_days)
                       if entries else None)

    def store(self, session: Session, results: dict[int, ClueResult], now: datetime) -> None:
        normalized = {i: r.normalized for i, r in results.items() if r.normalized is not None}
        updates, events = normalize_rows(normalized, PENDING_REVIEW, now)
        terms = [(i, *r.terms) for i, r in results.items() if r.terms is not None]
        with batch_written(session, list(results), terms):  # both search indexes, same transaction
            repository.update_clues(session, updates,
                                    [{"id": i, "status": PENDING_REVIEW, "updated_at": now}
                                     for i in results if i not in normalized])
        routings = {i: r.routing for i, r in results.items()}
        seed_if_default(session, routings, now)
        proposals, routed, _ = route_rows(routings, PENDING_REVIEW, now)
        route_repository.upsert_proposals(session, proposals)
        events += [clusters.event(i, "correlate_failed", clusters.SYSTEM, now,
                                  error=r.correlate_error)
                   for i, r in results.items() if r.correlate_error]
        planned = results.plan if isinstance(results, Planned) else None
        entries = [r.entry for r in results.values() if r.entry is not None]
        if planned is None and entries:
            planned = plan(session, entries, self.correlate.window_days)
        if planned is not None:  # last: its locked part is held until the commit
            apply(session, planned, now, record=False)
            events += planned.events
        clusters.record(session, events + routed)

    def give_up(self, session: Session, ref_id: int, error: str, now: datetime) -> None:
        """The clue failed for good: `failed`, with the event of the stage that failed."""
        stage = self.route if error.startswith("route: ") else self.normalize
        stage.give_up(session, ref_id, error, now)


class Planned(dict):
    """A batch's results with the correlation plan read for them (ClueStage.plan)."""

    def __init__(self, results: dict[int, ClueResult], planned: Plan | None) -> None:
        super().__init__(results)
        self.plan = planned
