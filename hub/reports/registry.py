"""What a figure is, and how any figure is counted and traced back to its records.

A figure is defined once: a key, a Chinese label, its definition in words, and a query for
its *members*: rows of (group, id) — the clues or hand-offs counted, each under a group
(a channel, a kind, …, or "all"). Its value is the number of distinct ids per group (or the
sum of `amount` for sums); the ids behind any value come from the same query. Figures that
need working days compute their members in Python (`rows`) from a narrow query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from hub.workdays import WorkCalendar

from . import repository
from .scope import Scope

ALL = repository.ALL  # the group of a figure that is not split


@dataclass(frozen=True)
class Ctx:
    session: Session
    scope: Scope
    calendar: WorkCalendar


Row = tuple[str, int, Any]  # (group, id, amount)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    section: str
    of: str  # what the ids are: "clue" | "handoff"
    members: Callable[[Ctx], Select] | None = None  # columns grp, id[, amount]
    rows: Callable[[Ctx], Iterable[Row]] | None = None  # members computed in Python
    measure: str = "count"  # "count" distinct ids | "sum" of amount
    total: str = "ids"  # "ids": distinct ids in all groups | "groups": number of groups
    groups: Callable[[Session, list[str]], dict[str, str]] | None = None  # labels
    compare: bool = False  # with the previous month and the same month last year
    top: int | None = None
    unit: str = "件"
    disjoint: bool = True  # each id in one group only: the total is the sum of the groups
    unique_rows: bool = False  # one row per id: count(*) instead of count(DISTINCT)


@dataclass(frozen=True)
class Value:
    """A figure counted for one scope: total, per group, and the label of each group."""

    figure: Figure
    total: float
    by_group: dict[str, float]
    labels: dict[str, str]

    def ordered(self) -> list[tuple[str, float]]:
        items = sorted(self.by_group.items(), key=lambda kv: (-kv[1], kv[0]))
        return items[: self.figure.top] if self.figure.top else items


def _python_rows(figure: Figure, ctx: Ctx) -> list[Row]:
    assert figure.rows is not None
    return [(str(g), int(i), a) for g, i, a in figure.rows(ctx)]


def count(figure: Figure, ctx: Ctx, with_labels: bool = True) -> Value:
    if figure.rows is not None:
        by_group, total = _count_rows(figure, _python_rows(figure, ctx))
    else:
        by_group, total = _count_sql(figure, ctx)
    labels = figure.groups(ctx.session, list(by_group)) if figure.groups and with_labels else {}
    return Value(figure, total, by_group, labels)


def _count_rows(figure: Figure, rows: list[Row]) -> tuple[dict[str, float], float]:
    ids: dict[str, set[int]] = defaultdict(set)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for group, id_, amount in rows:
        ids[group].add(id_)
        sums[group] += Decimal(amount or 0)
    if figure.measure == "sum":
        by_group = {g: _num(s) for g, s in sums.items()}
        return by_group, _num(sum(sums.values(), Decimal()))
    by_group = {g: float(len(v)) for g, v in ids.items()}
    total = len(ids) if figure.total == "groups" else len(set().union(*ids.values()) if ids else ())
    return by_group, float(total)


def _count_sql(figure: Figure, ctx: Ctx) -> tuple[dict[str, float], float]:
    assert figure.members is not None
    members = figure.members(ctx)
    by_group = repository.group_counts(ctx.session, members, figure.measure, figure.unique_rows)
    if figure.measure == "sum":
        return by_group, float(sum(by_group.values()))
    if figure.total == "groups":
        return by_group, float(len(by_group))
    if figure.disjoint:
        return by_group, float(sum(by_group.values()))
    return by_group, float(repository.distinct_member_count(ctx.session, members))


def ids(figure: Figure, ctx: Ctx, group: str | None = None) -> list[int]:
    """The ids behind the figure (or one of its groups), ascending."""
    if figure.rows is not None:
        found = {i for g, i, _ in _python_rows(figure, ctx) if group is None or g == group}
        return sorted(found)
    assert figure.members is not None
    return repository.member_ids(ctx.session, figure.members(ctx), group)


def _num(value: Any) -> float:
    return float(value or 0)


@dataclass(frozen=True)
class Rate:
    """A ratio of two figures' totals, with its definition printed beside it."""

    key: str
    label: str
    definition: str
    numerator: str
    denominator: str


class Registry:
    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}
        self.rates: dict[str, Rate] = {}

    def add(self, figure: Figure) -> Figure:
        if figure.key in self.figures:
            raise ValueError(f"figure {figure.key} defined twice")
        self.figures[figure.key] = figure
        return figure

    def rate(self, rate: Rate) -> Rate:
        self.rates[rate.key] = rate
        return rate

    def __getitem__(self, key: str) -> Figure:
        return self.figures[key]
