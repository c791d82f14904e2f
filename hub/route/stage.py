"""The route stage: the active rule set proposes a disposition for each clue and says why.

The proposal goes to `route_proposals` (with rule set version, rule id and the conditions
that matched) and into the clue's history as a `routed` event; the clue then waits in the
review queue (`pending_review`) when routing is the last stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from hub.normalize.repository import mark_clue_failed
from hub.normalize.stage import PENDING_REVIEW
from hub.route import repository, service
from hub.route.conditions import ClueFacts
from hub.route.evaluate import CompiledRuleSet, Routing, compile_rule_set, evaluate
from hub.route.messages import RuleSetError, single
from hub.route.rulefile import load_rule_set

_CACHED_VERSIONS = 8


@dataclass(frozen=True)
class RouteInput:
    facts: ClueFacts
    rules: CompiledRuleSet | RuleSetError  # an error fails each item visibly, with its words


def facts_of(row: Row) -> ClueFacts:
    return ClueFacts(
        channel=row.channel, title=row.title, content=row.content, category=row.category,
        field=row.field, region_code=row.region_code, urgency=row.urgency or "normal",
        subjects=tuple(s for s in row.subjects or [] if isinstance(s, dict)),
        references=tuple(r for r in row.references or [] if isinstance(r, dict)),
    )


def seed_if_default(session: Session, results: dict[int, Routing], now: datetime) -> None:
    if any(r.rule_set_version == service.DEFAULT_VERSION for r in results.values()):
        service.seed_default(session, now)  # first use: the default was not saved yet


def store_rows(results: dict[int, Routing], status: str, now: datetime) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Pure: the proposals, the `routed` events and the clue updates of a batch's results."""
    proposals, events, clues = [], [], []
    for clue_id, routing in results.items():
        detail = routing.as_dict()
        proposals.append({"clue_id": clue_id, "created_at": now, **detail})
        events.append({"clue_id": clue_id, "at": now, "actor": "system", "action": "routed",
                       "detail": {**detail, "summary": routing.summary()}})
        clues.append({"id": clue_id, "status": status, "updated_at": now})
    return proposals, events, clues


class RouteStage:
    name = "route"

    def __init__(self, next_stage: str | None = None) -> None:
        self.next_stage = next_stage
        self._compiled: dict[int, CompiledRuleSet] = {}

    def load(self, session: Session, ref_ids: list[int]) -> dict[int, RouteInput]:
        rules = self._active_rules(session)
        return {row.id: RouteInput(facts_of(row), rules)
                for row in repository.clue_rows(session, ref_ids)}

    def compute(self, item: RouteInput) -> Routing:
        if isinstance(item.rules, RuleSetError):
            raise item.rules
        return evaluate(item.rules, item.facts)

    def store(self, session: Session, results: dict[int, Routing], now: datetime) -> None:
        seed_if_default(session, results, now)
        status = "routed" if self.next_stage else PENDING_REVIEW
        proposals, events, clues = store_rows(results, status, now)
        repository.upsert_proposals(session, proposals)
        repository.write_routed(session, events, clues)

    def give_up(self, session: Session, ref_id: int, error: str, now: datetime) -> None:
        mark_clue_failed(session, ref_id, "route_failed", error, now)

    def _active_rules(self, session: Session) -> CompiledRuleSet | RuleSetError:
        version = repository.active_version(session)
        if version is None:
            if not repository.has_versions(session):
                return service.compiled_default()  # saved as version 1 by store()
            return single("没有启用的规则集，请用 hub rules activate 启用一个版本")
        if version not in self._compiled:
            try:
                compiled = compile_rule_set(load_rule_set(repository.yaml_of(session, version)),
                                            version)
            except RuleSetError as exc:
                return exc
            if len(self._compiled) >= _CACHED_VERSIONS:
                self._compiled.clear()
            self._compiled[version] = compiled
        return self._compiled[version]
