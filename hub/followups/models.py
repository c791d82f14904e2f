"""Stored records of hub.followups (tables join Base.metadata through hub.db.registry)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import UTCDateTime, utcnow


class FollowUp(Base):
    """A follow-up check (回头看) of a closed matter, due on an office working day.

    scheduled -> done (with its finding: consolidated 整改巩固 | rebound 问题反弹) | cancelled
    (the matter was reopened by hand, or the office called it off).
    """

    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_state_due", "state", "due_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"))  # the one whose close closed it
    due_on: Mapped[date] = mapped_column(Date)  # Asia/Shanghai, a working day
    rule: Mapped[str] = mapped_column(String(32))  # "kind:assign" (by rule) | "office" (set by hand)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("office_users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    finding: Mapped[str | None] = mapped_column(String(16))  # consolidated | rebound
    note: Mapped[str | None] = mapped_column(Text)
    new_handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"))
    notified_on: Mapped[date | None] = mapped_column(Date)  # the owner was told it is due
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(64))
