"""The working-day calendar the report counts with: one function, so the source can change.

Until the administrator's holiday table (`hub.calendar.load_calendar`) is merged, the calendar
is the package data plus the weekend rule.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.workdays import WorkCalendar


def report_calendar(session: Session) -> WorkCalendar:
    try:
        from hub.calendar import load_calendar  # type: ignore[import-not-found]
    except ImportError:
        return WorkCalendar()
    return load_calendar(session)
