"""The office's clock: dates are Asia/Shanghai dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_today(now: datetime | None = None) -> date:
    """The Asia/Shanghai calendar date of `now` (default: the current instant).

    `now` must be time-zone aware; a naive datetime is refused because its zone is a guess.
    """
    if now is None:
        return datetime.now(SHANGHAI).date()
    if not isinstance(now, datetime):
        raise TypeError(f"now must be an aware datetime, not {type(now).__name__}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be time-zone aware (naive datetimes are ambiguous)")
    return now.astimezone(SHANGHAI).date()
