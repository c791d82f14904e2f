"""The administrators' calendar: enter, remove and import days; load the WorkCalendar.

Services never commit; the caller's unit of work does.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from hub.calendar import repository
from hub.calendar.models import CalendarOverride, CalendarYear
from hub.db.types import utcnow
from hub.errors import FieldError, InvalidInput, NotFound
from hub.workdays import (
    PACKAGE_LAST_YEAR,
    Override,
    WorkCalendar,
    coverage_message,
    parse_override_lines,
    shanghai_today,
)

KIND_LABELS = {"holiday": "放假", "workday": "上班"}


def load_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with every administrator override and year entered."""
    overrides = [Override(row.day, row.kind, row.note or "")
                 for row in repository.overrides(session)]
    years = repository.years(session)
    return WorkCalendar(overrides, known_years=years)


def list_overrides(session: Session, year: int | None = None) -> list[CalendarOverride]:
    return repository.overrides(session, year)


def years_entered(session: Session) -> list[int]:
    return repository.years(session)


def set_day(session: Session, day: date, kind: str, *, note: str = "", by: str,
            now: datetime | None = None) -> CalendarOverride:
    """Enter (or change) one day."""
    if kind not in KIND_LABELS:
        raise InvalidInput([FieldError(["kind"], "类型应为 holiday（放假）或 workday（上班）")])
    override = Override(day, kind, note)  # checks and trims
    row = repository.override_on(session, day)
    if row is None:
        row = CalendarOverride(day=day)
        session.add(row)
    row.kind, row.note = override.kind, override.name[:50]
    row.entered_by, row.entered_at = by, now or utcnow()
    session.flush()
    return row


def remove_day(session: Session, day: date) -> None:
    done = repository.delete_override(session, day)
    if not done:
        raise NotFound(f"{day.isoformat()} 没有录入过调整")


def mark_year(session: Session, year: int, *, by: str, now: datetime | None = None) -> None:
    """Declare a year's arrangement entered: deadlines reaching it carry no warning."""
    if session.get(CalendarYear, year) is None:
        session.add(CalendarYear(year=year, entered_by=by, entered_at=now or utcnow()))
        session.flush()


def import_year(session: Session, text: str, *, by: str, year: int | None = None,
                now: datetime | None = None) -> tuple[int, int]:
    """Import one year's list (`日期,类型,名称` lines): replaces that year's overrides and
    declares the year entered. Returns (year, days)."""
    try:
        parsed = parse_override_lines(text, year=year)
        if not parsed:
            raise ValueError("文件中没有任何日期")
        year = year or parsed[0].day.year
        parsed = parse_override_lines(text, year=year)
    except ValueError as exc:
        raise InvalidInput([FieldError(["file"], str(exc))], str(exc)) from None
    now = now or utcnow()
    repository.delete_year(session, year)
    for item in parsed:
        session.add(CalendarOverride(day=item.day, kind=item.kind, note=item.name[:50],
                                     entered_by=by, entered_at=now))
    mark_year(session, year, by=by, now=now)
    session.flush()
    return year, len(parsed)


def unknown_years_ahead(calendar: WorkCalendar, today: date | None = None) -> list[int]:
    """This year and next, where nobody vouches for the holidays (the page's warning)."""
    today = today or shanghai_today()
    return [y for y in (today.year, today.year + 1) if calendar.year_status(y) == "unknown"]


__all__ = ["KIND_LABELS", "PACKAGE_LAST_YEAR", "coverage_message", "import_year", "list_overrides", "load_calendar",
           "mark_year", "remove_day", "set_day", "unknown_years_ahead", "years_entered"]
