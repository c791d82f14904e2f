"""A report's month and area, as time boundaries in the office's time zone (Asia/Shanghai)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from hub.errors import FieldError, InvalidInput
from hub.workdays import SHANGHAI

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
REGION = re.compile(r"^\d{6}$")


def parse_month(text: str) -> tuple[int, int]:
    match = MONTH.match(text or "")
    if not match:
        raise _invalid("month", "月份应写作 YYYY-MM，例如 2026-10")
    return int(match.group(1)), int(match.group(2))


def region_prefix(code: str | None) -> str | None:
    """`420322` → `420322` (a county); `420300` → `4203` (a city and its counties)."""
    if not code:
        return None
    if not REGION.match(code):
        raise _invalid("region", "行政区划代码应为 6 位数字，例如 420322")
    if code.endswith("0000"):
        return code[:2]
    return code[:4] if code.endswith("00") else code


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError([field], message)], message)


@dataclass(frozen=True)
class Scope:
    """One calendar month, for the whole area (region None) or one region code prefix."""

    year: int
    month: int
    region: str | None = None  # the 6-digit code asked for
    as_of: datetime | None = None  # "now" for a month not yet over (tests pin it)
    dialect: str = "sqlite"

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def prefix(self) -> str | None:
        return region_prefix(self.region)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return _utc(self.first_day)

    @property
    def end(self) -> datetime:
        """Exclusive: the first instant of the next month, in UTC."""
        return _utc(self.next_first_day)

    @property
    def cutoff(self) -> datetime:
        """What "at month end" means: the month's end, or now for a month still running."""
        now = self.as_of or datetime.now(UTC)
        return min(self.end, now)

    @property
    def cutoff_day(self) -> date:
        return (self.cutoff - timedelta(microseconds=1)).astimezone(SHANGHAI).date()

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def shifted(self, months: int) -> Scope:
        index = self.year * 12 + self.month - 1 + months
        return replace(self, year=index // 12, month=index % 12 + 1)

    def previous(self) -> Scope:
        return self.shifted(-1)

    def last_year(self) -> Scope:
        return self.shifted(-12)

    def trailing(self, months: int = 12) -> list[Scope]:
        return [self.shifted(-k) for k in range(months - 1, -1, -1)]


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI).astimezone(UTC)


def local_day(when: datetime | None) -> date | None:
    return when.astimezone(SHANGHAI).date() if when else None
