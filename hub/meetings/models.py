"""Stored records of hub.meetings (tables join Base.metadata through hub.tables)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import JSONType, UTCDateTime, utcnow


class Meeting(Base):
    """The joint meeting of one month (会议 for 2026-11): where, when, who chaired, and once
    its minutes are issued, the minutes as issued (never changed) with their SHA-256.

    draft (agenda, attendance and decisions editable) -> issued (minutes issued: read-only).
    """

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)  # 2026-11: the report's month
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    host: Mapped[str | None] = mapped_column(String(100))  # 主持人
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft | issued
    report_as_of: Mapped[str | None] = mapped_column(String(40))  # the report's cutoff
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    minutes_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    minutes_docx: Mapped[bytes | None] = mapped_column(LargeBinary)
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))
    minutes_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_issued_by: Mapped[str | None] = mapped_column(String(64))


class MeetingAgency(Base):
    """A participating agency and its attendance: present 出席 | leave 请假 | absent 缺席
    (None: not yet recorded), with the attendee's name and post."""

    __tablename__ = "meeting_agencies"
    __table_args__ = (UniqueConstraint("meeting_id", "agency_id",
                                       name="uq_meeting_agencies_meeting_agency"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    attendance: Mapped[str | None] = mapped_column(String(16))
    attendee: Mapped[str | None] = mapped_column(String(50))
    post: Mapped[str | None] = mapped_column(String(100))


class AgendaItem(Base):
    """One item of the agenda: generated from the month's report (kind overview | overdue |
    referrals | clusters | rebounds, `source` holding the figures it quotes) or added by the
    office (other); `public` items are shared with the participating agencies."""

    __tablename__ = "meeting_agenda_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class MeetingDecision(Base):
    """A decision taken (议定事项): text, the agency responsible, the deadline, the clue it
    concerns (if any) and, once handed off, the hand-off made from it."""

    __tablename__ = "meeting_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
