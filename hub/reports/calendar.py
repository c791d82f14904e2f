"""The working-day calendar the report counts with: one function, so the source can change.

It is the office's calendar: package data, the administrator's overrides and entered years.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.calendar.service import load_calendar
from hub.workdays import WorkCalendar


def report_calendar(session: Session) -> WorkCalendar:
    return load_calendar(session)
