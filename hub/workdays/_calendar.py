"""Chinese working days: package data, administrator overrides, and the weekend rule.

Precedence for one date:
1. an administrator override (`Override`) always wins, so an administrator can correct a day;
2. otherwise the `chinese-calendar` package, for the years it covers;
3. otherwise the weekend rule: Saturday and Sunday are rest days, Monday-Friday are workdays.

Counting rule (SPEC section 5, "within N working days"): the start date is the day the item
is sent and is never counted; counting begins with the first working day after it. So
`add_working_days(date(2026, 9, 30), 5)` is 2026-10-13: 10-01..10-07 are National Day,
10-08 Thu = 1, 10-09 Fri = 2, 10-10 Sat (make-up day) = 3, 10-11 Sun is rest, 10-12 Mon = 4,
10-13 Tue = 5. `working_days_between(a, b)` counts working days in (a, b], its inverse.

A calendar is immutable: when the administrator's table changes, build a new one.
Days are resolved a year at a time on first use and kept on the instance.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

from ._model import (
    NAME_HOLIDAY,
    NAME_MAKEUP,
    NAME_WEEKEND,
    NAME_WORKDAY,
    DayInfo,
    DayKind,
    Override,
    YearStatus,
    require_date,
)
from ._package import package_year

_ONE_DAY = timedelta(days=1)


def coverage_message(years: Iterable[int]) -> str | None:
    """The plain-Chinese warning for years whose holidays nobody has entered yet."""
    listed = "、".join(str(y) for y in sorted(set(years)))
    if not listed:
        return None
    return (
        f"{listed} 年的法定节假日尚未录入，截止日期仅按周末和已录入的假日计算，"
        f"请管理员录入 {listed} 年节假日安排"
    )


class WorkCalendar:
    """Working days in Asia/Shanghai dates for one set of administrator overrides."""

    def __init__(
        self, overrides: Iterable[Override] = (), *, known_years: Iterable[int] = ()
    ) -> None:
        table: dict[date, Override] = {}
        for item in overrides:
            if not isinstance(item, Override):
                raise TypeError(f"overrides must be Override objects, not {type(item).__name__}")
            previous = table.get(item.day)
            if previous is not None and previous.kind != item.kind:
                raise ValueError(
                    f"{item.day.isoformat()} 同时被录入为放假和上班，请管理员更正后再试"
                )
            if previous is None or item.name:
                table[item.day] = item
        self._overrides: Mapping[date, Override] = MappingProxyType(table)
        self._known_years = frozenset(operator.index(y) for y in known_years)
        self._work: dict[int, bool] = {}  # date ordinal -> is a working day
        # year -> (ordinal of 1 January, that year's days)
        self._years: dict[int, tuple[int, tuple[DayInfo, ...]]] = {}

    # -- introspection ----------------------------------------------------------------------

    @property
    def overrides(self) -> Mapping[date, Override]:
        return self._overrides

    @property
    def known_years(self) -> frozenset[int]:
        return self._known_years

    def __repr__(self) -> str:
        years = sorted(self._known_years)
        return f"WorkCalendar({len(self._overrides)} overrides, known_years={years})"

    def year_status(self, year: int) -> YearStatus:
        """Who vouches for `year`: the package, the administrator (declared complete), nobody."""
        year = operator.index(year)
        if package_year(year) is not None:
            return "package"
        if year in self._known_years:
            return "admin"
        return "unknown"

    def uncertain_years(self, start: date, end: date) -> list[int]:
        """Years touched by [start, end] (either order) whose holidays are not known."""
        first, last = sorted((require_date(start, "start").year, require_date(end, "end").year))
        return [y for y in range(first, last + 1) if self.year_status(y) == "unknown"]

    def coverage_warning(self, start: date, end: date) -> str | None:
        """A plain-Chinese warning if [start, end] reaches a year nobody has entered, else None."""
        return coverage_message(self.uncertain_years(start, end))

    # -- single days --------------------------------------------------------------------------

    def _load_year(self, year: int) -> tuple[int, tuple[DayInfo, ...]]:
        loaded = self._years.get(year)
        if loaded is not None:
            return loaded
        first = date(year, 1, 1)
        base = first.toordinal()
        package = package_year(year)
        infos: list[DayInfo] = []
        day = first
        index = 0
        while day.year == year:
            override = self._overrides.get(day)
            if override is not None:
                info = _admin_info(override)
            elif package is not None:
                is_work, kind, name = package[index]
                info = DayInfo(day, is_work, kind, name, "package")
            elif day.weekday() >= 5:
                info = DayInfo(day, False, DayKind.WEEKEND, NAME_WEEKEND, "weekend-rule")
            else:
                info = DayInfo(day, True, DayKind.WORKDAY, NAME_WORKDAY, "weekend-rule")
            infos.append(info)
            self._work[base + index] = info.is_workday
            index += 1
            if day.month == 12 and day.day == 31:
                break  # 9999-12-31 has no successor
            day += _ONE_DAY
        loaded = (base, tuple(infos))
        self._years[year] = loaded
        return loaded

    def info(self, day: date) -> DayInfo:
        require_date(day)
        base, infos = self._years.get(day.year) or self._load_year(day.year)
        return infos[day.toordinal() - base]

    def is_workday(self, day: date) -> bool:
        require_date(day)
        ordinal = day.toordinal()
        work = self._work.get(ordinal)
        if work is None:
            self._load_year(day.year)
            work = self._work[ordinal]
        return work

    # -- counting -----------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted); n = 0 gives `start`.

        Negative n counts backwards: the |n|-th working day before `start`.
        """
        require_date(start, "start")
        left = operator.index(n)
        step = 1 if left > 0 else -1
        left = abs(left)
        ordinal = start.toordinal()
        work = self._work
        while left:
            ordinal += step
            is_work = work.get(ordinal)
            if is_work is None:
                self._load_year(date.fromordinal(ordinal).year)
                is_work = work[ordinal]
            if is_work:
                left -= 1
        return date.fromordinal(ordinal)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (minus those in (end, start]) if end < start.

        `working_days_between(deadline, today)` is the number of working days overdue.
        Inverse of `add_working_days` for n >= 0 (and for n < 0 when start is a working day).
        """
        require_date(start, "start")
        require_date(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        work = self._work
        for ordinal in range(start.toordinal() + 1, end.toordinal() + 1):
            is_work = work.get(ordinal)
            if is_work is None:
                self._load_year(date.fromordinal(ordinal).year)
                is_work = work[ordinal]
            count += is_work
        return count

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day` (for the day-before-deadline reminder)."""
        return self.add_working_days(day, -1)


def _admin_info(override: Override) -> DayInfo:
    day = override.day
    if override.kind == "holiday":
        return DayInfo(day, False, DayKind.HOLIDAY, override.name or NAME_HOLIDAY, "admin")
    default = NAME_MAKEUP if day.weekday() >= 5 else NAME_WORKDAY
    return DayInfo(day, True, DayKind.WORKDAY, override.name or default, "admin")
