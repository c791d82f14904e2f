"""Value types of the working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

OverrideKind = Literal["holiday", "workday"]
Source = Literal["package", "admin", "weekend-rule"]
YearStatus = Literal["package", "admin", "unknown"]

# User-facing day names (Chinese).
NAME_WORKDAY = "工作日"
NAME_WEEKEND = "周末"
NAME_MAKEUP = "调休上班"
NAME_HOLIDAY = "节假日"  # an administrator's holiday entered without a name


class DayKind(StrEnum):
    WORKDAY = "workday"
    HOLIDAY = "holiday"
    WEEKEND = "weekend"


def require_date(value: object, what: str = "day") -> date:
    """Reject datetimes (whose calendar date depends on a time zone) and non-dates."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(
            f"{what} must be a datetime.date, not {type(value).__name__}; "
            "convert aware datetimes with hub.workdays.shanghai_today()"
        )
    return value


@dataclass(frozen=True)
class Override:
    """One administrator-entered day: a holiday or a (make-up) working day."""

    day: date
    kind: OverrideKind
    name: str = ""

    def __post_init__(self) -> None:
        require_date(self.day, "Override.day")
        kind = str(self.kind)  # accepts DayKind.HOLIDAY / DayKind.WORKDAY too
        if kind not in ("holiday", "workday"):
            raise ValueError(f"Override.kind must be 'holiday' or 'workday', not {self.kind!r}")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "name", str(self.name or "").strip())


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date, and where that came from."""

    day: date
    is_workday: bool
    kind: DayKind
    name: str
    source: Source
