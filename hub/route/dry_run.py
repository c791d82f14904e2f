"""Dry run: what a candidate rule set would propose for past clues, next to what they have.

Nothing is written: the candidate is only parsed and evaluated, the clues and their stored
proposals only read. By default the clues received last calendar month (Asia/Shanghai).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from hub.intake.present import clue_no
from hub.route import repository
from hub.route.evaluate import NO_RULE_MATCHED, Routing, compile_rule_set, evaluate
from hub.route.language import ACTION_LABELS
from hub.route.models import RouteProposal
from hub.route.rulefile import load_rule_set
from hub.route.stage import facts_of

OFFICE_TZ = ZoneInfo("Asia/Shanghai")
NOT_ROUTED = "（尚未分办）"


@dataclass(frozen=True)
class Brief:
    """A proposal in short: which rule, what, to whom."""

    rule_id: str | None
    rule_name: str | None
    action: str | None
    target: str | None
    version: int | None

    @property
    def disposition(self) -> tuple[str | None, str | None]:
        return self.action, self.target

    def label(self) -> str:
        if self.action is None:
            return NO_RULE_MATCHED
        target = f" {self.target}" if self.target else ""
        return f"{ACTION_LABELS[self.action]}{target}（{self.rule_id}）"

    @classmethod
    def of_routing(cls, routing: Routing) -> Brief:
        p = routing.proposal
        return cls(p.rule_id, p.rule_name, p.action, p.target, routing.rule_set_version) if p \
            else cls(None, None, None, None, routing.rule_set_version)

    @classmethod
    def of_row(cls, row: RouteProposal) -> Brief:
        return cls(row.rule_id, row.rule_name, row.action, row.target, row.rule_set_version)


@dataclass(frozen=True)
class DryRunRow:
    clue_id: int
    clue_no: str
    title: str
    current: Brief | None  # None: not routed yet
    candidate: Brief
    why: str

    @property
    def change(self) -> str:
        """`new` (not routed yet), `changed` (another action or target) or `same`."""
        if self.current is None:
            return "new"
        return "same" if self.current.disposition == self.candidate.disposition else "changed"


@dataclass
class DryRunReport:
    since: datetime
    until: datetime
    rows: list[DryRunRow] = field(default_factory=list)

    def count(self, change: str) -> int:
        return sum(1 for row in self.rows if row.change == change)

    def per_rule(self) -> list[tuple[str, str, int, int]]:
        """(rule id or "", name, clues now, clues with the candidate), candidate's order first."""
        names: dict[str, str] = {}
        now: Counter[str] = Counter()
        then: Counter[str] = Counter()
        for row in self.rows:
            then[row.candidate.rule_id or ""] += 1
            names.setdefault(row.candidate.rule_id or "", row.candidate.rule_name or NO_RULE_MATCHED)
            if row.current is not None:
                now[row.current.rule_id or ""] += 1
                names.setdefault(row.current.rule_id or "", row.current.rule_name or NO_RULE_MATCHED)
        return [(rule_id, names[rule_id], now[rule_id], then[rule_id]) for rule_id in names]

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(),
            "total": len(self.rows), "changed": self.count("changed"),
            "unchanged": self.count("same"), "not_routed": self.count("new"),
            "per_rule": [{"rule_id": r or None, "rule_name": n, "current": c, "candidate": d}
                         for r, n, c, d in self.per_rule()],
            "clues": [{"clue_id": row.clue_no, "title": row.title, "change": row.change,
                       "current": _brief_dict(row.current),
                       "candidate": _brief_dict(row.candidate),
                       "why": row.why} for row in self.rows],
        }


def _brief_dict(brief: Brief | None) -> dict[str, Any] | None:
    return None if brief is None else {**brief.__dict__, "label": brief.label()}


def last_month(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The previous calendar month in the office's time zone, as [start, end) in UTC."""
    local = (now or datetime.now(UTC)).astimezone(OFFICE_TZ)
    this_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    return previous.astimezone(UTC), this_month.astimezone(UTC)


def dry_run(session: Session, rule_set_yaml: str, since: datetime | None = None,
            until: datetime | None = None) -> DryRunReport:
    """Evaluate a candidate rule set (not saved) on the clues received in [since, until),
    by default last calendar month. Raises RuleSetError for a bad candidate, reading nothing."""
    compiled = compile_rule_set(load_rule_set(rule_set_yaml), version=None)
    if since is None and until is None:
        since, until = last_month()
    since = since or datetime(1970, 1, 1, tzinfo=UTC)  # only `until`: everything before it
    until = until or datetime.now(UTC)  # only `since`: up to now
    report = DryRunReport(since, until)
    for row, stored in repository.clues_with_proposals(session, since, until):
        routing = evaluate(compiled, facts_of(row))
        report.rows.append(DryRunRow(
            row.id, clue_no(row.id, row.received_at), row.title,
            Brief.of_row(stored) if stored is not None else None,
            Brief.of_routing(routing), routing.summary()))
    return report
