"""Stored records of hub.calendar (tables join Base.metadata through hub.tables)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import UTCDateTime, utcnow


class CalendarOverride(Base):
    """One day an administrator entered: a holiday, or a (make-up) working day."""

    __tablename__ = "calendar_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # holiday | workday
    note: Mapped[str] = mapped_column(String(50), default="")
    entered_by: Mapped[str] = mapped_column(String(64))  # user:<name> | cli
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarYear(Base):
    """A year whose whole holiday arrangement an administrator has entered (no warning)."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
