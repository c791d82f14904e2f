"""The calendar's SQL: administrators' overrides and the years they entered."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, extract, select
from sqlalchemy.orm import Session

from hub.calendar.models import CalendarOverride, CalendarYear


def overrides(session: Session, year: int | None = None) -> list[CalendarOverride]:
    """Every override by day, or one year's."""
    query = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(extract("year", CalendarOverride.day) == year)
    return list(session.scalars(query))


def years(session: Session) -> list[int]:
    return list(session.scalars(select(CalendarYear.year).order_by(CalendarYear.year)))


def override_on(session: Session, day: date) -> CalendarOverride | None:
    return session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))


def delete_override(session: Session, day: date) -> int:
    return session.execute(delete(CalendarOverride).where(CalendarOverride.day == day)).rowcount


def delete_year(session: Session, year: int) -> None:
    session.execute(delete(CalendarOverride).where(extract("year", CalendarOverride.day) == year))
