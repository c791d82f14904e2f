"""Stored records of hub.reports: issued reports (kept unchanged, with their hashes) and
their sharing with partner agencies; plus the indexes the monthly figures read by."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base, Clue
from hub.db.types import UTCDateTime, utcnow
from hub.handoffs.models import Handoff

# A month's clues and hand-offs are found by time range (the clues by ix_clues_received_id).
Index("ix_handoffs_sent_at", Handoff.sent_at)
# A county's clue ids straight from the index (index-only scan), to join its hand-offs.
Index("ix_clues_region_id", Clue.region_code, Clue.id)


class IssuedReport(Base):
    """One version of one month's report for one area, exactly as issued. Never updated."""

    __tablename__ = "issued_reports"
    __table_args__ = (UniqueConstraint("period", "area", "version",
                                       name="uq_issued_reports_period_area_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7))  # 2026-10
    area: Mapped[str] = mapped_column(String(6), default="")  # "" the whole area, or a code
    version: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(64))  # system | user:3
    report_json: Mapped[bytes] = mapped_column(LargeBinary)  # the office's JSON
    partner_json: Mapped[bytes] = mapped_column(LargeBinary)  # without reporter data
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    xlsx: Mapped[bytes] = mapped_column(LargeBinary)
    json_sha256: Mapped[str] = mapped_column(String(64))
    partner_json_sha256: Mapped[str] = mapped_column(String(64))
    docx_sha256: Mapped[str] = mapped_column(String(64))
    xlsx_sha256: Mapped[str] = mapped_column(String(64))


class ReportShare(Base):
    """An issued report shared with a partner agency (it sees it at GET /api/v1/reports)."""

    __tablename__ = "report_shares"
    __table_args__ = (UniqueConstraint("report_id", "agency_id",
                                       name="uq_report_shares_report_agency"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("issued_reports.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_by: Mapped[str] = mapped_column(String(64))
