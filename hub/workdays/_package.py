"""The State Council calendar as published by the `chinese-calendar` package.

Only the package's public functions are used. Each year is looked up once, day by day,
and kept for the life of the process (the package data never changes at run time).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from ._model import NAME_HOLIDAY, NAME_MAKEUP, NAME_WEEKEND, NAME_WORKDAY, DayKind

# Chinese names for the package's English holiday names (Holiday enum values).
HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}

# Years the package has data for; derived from its own table so an upgrade extends it.
FIRST_YEAR: int = min(chinese_calendar.holidays).year
LAST_YEAR: int = max(chinese_calendar.holidays).year

# (is_workday, kind, name) for each day of a year, index 0 = 1 January.
DayTuple = tuple[bool, DayKind, str]


def package_knows(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def holiday_name_zh(english: str) -> str:
    if english in HOLIDAY_NAMES_ZH:
        return HOLIDAY_NAMES_ZH[english]
    try:  # a holiday added by a newer package version: its own Chinese name
        return chinese_calendar.Holiday(english).chinese
    except (ValueError, AttributeError):
        return english or NAME_HOLIDAY


def _classify(day: date) -> DayTuple:
    is_holiday, english = chinese_calendar.get_holiday_detail(day)
    if is_holiday:
        if english:
            return (False, DayKind.HOLIDAY, holiday_name_zh(english))
        if day.weekday() >= 5:
            return (False, DayKind.WEEKEND, NAME_WEEKEND)
        return (False, DayKind.HOLIDAY, NAME_HOLIDAY)
    if english:  # a working day that belongs to a holiday arrangement: make-up day
        return (True, DayKind.WORKDAY, NAME_MAKEUP)
    return (True, DayKind.WORKDAY, NAME_WORKDAY)


@lru_cache(maxsize=64)
def package_year(year: int) -> tuple[DayTuple, ...] | None:
    """The package's verdict on every day of `year`, or None if it has no data for it."""
    if not package_knows(year):
        return None
    day = date(year, 1, 1)
    days: list[DayTuple] = []
    try:
        while day.year == year:
            days.append(_classify(day))
            day += timedelta(days=1)
    except NotImplementedError:  # the package disowns the year after all
        return None
    return tuple(days)
