"""The working-day calendar the reminders count with (the administrator's table included)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.workdays import WorkCalendar


def load_calendar(session: Session) -> WorkCalendar:
    try:
        from hub.calendar.service import load_calendar as load  # the office's holiday table
    except ImportError:
        return WorkCalendar()
    return load(session)
