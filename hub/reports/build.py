"""The report as data: every figure of the registry counted for a scope, as JSON-ready dicts.

The JSON, the page, the .docx and the figures sheet of the .xlsx are all drawn from this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from hub.intake.present import clue_no
from hub.normalize.codes import load_divisions
from hub.workdays import SHANGHAI

from . import registry, repository
from .calendar import report_calendar
from .figures import HANDOFF_KINDS, REGISTRY, TREND
from .registry import Ctx, Value
from .repository import begin_snapshot
from .scope import Scope, local_day

Progress = Callable[[str], None]


def pinned(scope: Scope) -> Scope:
    """The scope with its "now" fixed, so every figure and row of one report share a cutoff."""
    return scope if scope.as_of is not None else replace(scope, as_of=datetime.now(UTC))


def context(session: Session, scope: Scope) -> Ctx:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        repository.jit_off(session)  # dozens of short queries
    return Ctx(session, replace(scope, dialect=dialect), report_calendar(session))


def area_name(region: str | None, office_name: str) -> str:
    if not region:
        return f"{office_name}（全域）"
    return load_divisions().full_name(region) or region


def figure_href(scope: Scope, key: str, group: str | None = None) -> str:
    query = {k: v for k, v in (("group", group), ("region", scope.region)) if v}
    tail = f"?{urlencode(query)}" if query else ""
    return f"/office/reports/monthly/{scope.key}/figures/{key}{tail}"


def build(session: Session, scope: Scope, *, office_name: str,
          progress: Progress | None = None) -> dict[str, Any]:
    say = progress or (lambda _m: None)
    begin_snapshot(session)
    scope = pinned(scope)
    ctx = context(session, scope)
    figures: dict[str, Any] = {}
    for key, figure in REGISTRY.figures.items():
        say(f"统计：{figure.label}")
        figures[key] = _figure_json(ctx, registry.count(figure, ctx))
    rates = {key: _rate_json(rate, figures) for key, rate in REGISTRY.rates.items()}
    say("统计：超期明细")
    overdue = overdue_items(ctx)
    late = late_items(ctx)
    say("统计：近十二个月趋势")
    return {
        "period": scope.key, "label": scope.label, "region": scope.region,
        "area": area_name(scope.region, office_name), "office": office_name,
        # Dates in Beijing time: `as_of` the cutoff instant, `as_of_day` the last day counted.
        "generated_at": datetime.now(SHANGHAI).isoformat(),
        "as_of": scope.cutoff.astimezone(SHANGHAI).isoformat(),
        "as_of_day": scope.cutoff_day.isoformat(),
        "sections": _sections(), "figures": figures, "rates": rates,
        "overdue": overdue, "late": late, "trend": trend(ctx),
    }


def _sections() -> list[dict[str, Any]]:
    sections: dict[str, list[str]] = {}
    for key, figure in REGISTRY.figures.items():
        sections.setdefault(figure.section, []).append(key)
    return [{"title": title, "figures": keys} for title, keys in sections.items()]


def _figure_json(ctx: Ctx, value: Value) -> dict[str, Any]:
    figure = value.figure
    out: dict[str, Any] = {
        "key": figure.key, "label": figure.label, "definition": figure.definition,
        "section": figure.section, "of": figure.of, "unit": figure.unit,
        "total": _plain(value.total), "href": figure_href(ctx.scope, figure.key),
    }
    previous = last_year = None
    if figure.compare:
        previous = registry.count(figure, replace(ctx, scope=ctx.scope.previous()), False)
        last_year = registry.count(figure, replace(ctx, scope=ctx.scope.last_year()), False)
        out["previous_total"] = _plain(previous.total)
        out["last_year_total"] = _plain(last_year.total)
    groups = []
    for group, number in value.ordered():
        label = "合计" if group == "all" else value.labels.get(group, group)
        item = {"key": group, "label": label, "value": _plain(number),
                "href": figure_href(ctx.scope, figure.key, group)}
        if previous is not None and last_year is not None:
            item["previous"] = _plain(previous.by_group.get(group, 0))
            item["last_year"] = _plain(last_year.by_group.get(group, 0))
        groups.append(item)
    out["groups"] = groups
    return out


def _rate_json(rate: registry.Rate, figures: dict[str, Any]) -> dict[str, Any]:
    numerator = figures[rate.numerator]["total"]
    denominator = figures[rate.denominator]["total"]
    value = numerator / denominator if denominator else None
    return {"key": rate.key, "label": rate.label, "definition": rate.definition,
            "numerator": numerator, "denominator": denominator,
            "numerator_figure": rate.numerator, "denominator_figure": rate.denominator,
            "value": None if value is None else round(value, 4),
            "percent": "—" if value is None else f"{value * 100:.1f}%"}


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else round(number, 2)


def _handoff_rows(ctx: Ctx, key: str) -> list[Any]:
    """The hand-offs behind a figure with what naming them needs (columns, not objects)."""
    figure = REGISTRY[key]
    if figure.members is not None:  # one query, however many there are
        return repository.handoff_rows_of_members(ctx.session, figure.members(ctx))
    return repository.handoff_rows(ctx.session, registry.ids(figure, ctx))


def subject_name(subjects: list[Any] | None) -> str:
    names = [s.get("resolved_name") or s.get("name") for s in subjects or []
             if isinstance(s, dict)]
    return "、".join(n for n in names if n) or "—"


def _item(row: Any) -> dict[str, Any]:
    return {"handoff": row.number, "clue": clue_no(row.id, row.received_at), "title": row.title,
            "subject": subject_name(row.subjects), "receiver": row.receiver_name,
            "kind": HANDOFF_KINDS.get(row.kind, row.kind),
            "due_on": row.due_on.isoformat() if row.due_on else None}


def overdue_items(ctx: Ctx) -> list[dict[str, Any]]:
    """Each overdue hand-off named: subject, receiver, working days overdue at month end."""
    items, days_after = [], {}  # few distinct deadlines: count each once
    for row in _handoff_rows(ctx, "handoffs_overdue"):
        if row.due_on not in days_after:
            days_after[row.due_on] = ctx.calendar.working_days_between(row.due_on,
                                                                       ctx.scope.cutoff_day)
        items.append({**_item(row), "days_overdue": days_after[row.due_on]})
    return sorted(items, key=lambda i: (-i["days_overdue"], i["handoff"]))


def late_items(ctx: Ctx) -> list[dict[str, Any]]:
    """Hand-offs replied this month after their deadline, with working days late."""
    items = []
    for row in _handoff_rows(ctx, "handoffs_replied_late"):
        replied = local_day(row.replied_at)
        items.append({**_item(row), "replied_on": replied.isoformat(),
                      "days_late": ctx.calendar.working_days_between(row.due_on, replied)})
    return sorted(items, key=lambda i: (-i["days_late"], i["handoff"]))


def trend(ctx: Ctx) -> dict[str, Any]:
    months = ctx.scope.trailing(12)
    out: dict[str, Any] = {"months": [m.key for m in months]}
    names = {"received_total": "received", "handoffs_closed": "closed",
             "handoffs_overdue": "overdue"}
    for key in TREND:
        figure = REGISTRY[key]
        out[names[key]] = [_plain(registry.count(figure, replace(ctx, scope=m), False).total)
                           for m in months]
    out["labels"] = {"received": "收到线索", "closed": "办结移交", "overdue": "月末超期"}
    return out
