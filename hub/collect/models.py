"""Stored records of hub.collect: each connector's state, its runs, and the dead letters.

The runner owns the cursor (`ConnectorState.cursor`): it moves in the same transaction as the
records of the page it follows, so a crash resumes exactly where the last commit stopped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import UTCDateTime, utcnow


class ConnectorState(Base):
    """One partner system as configured here: where it is, how often, how far we have read."""

    __tablename__ = "connector_states"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    base_url: Mapped[str | None] = mapped_column(String(500))
    interval_seconds: Mapped[int] = mapped_column(Integer, default=300)
    page_size: Mapped[int] = mapped_column(Integer, default=100)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    cursor: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str] = mapped_column(String(16), default="healthy")  # healthy | unhealthy
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lease: who runs this connector now, since when (renewed after every page).
    running_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConnectorRun(Base):
    """One pull, from claim to ok or failed; counts are per native record."""

    __tablename__ = "connector_runs"
    __table_args__ = (Index("ix_connector_runs_connector_id", "connector", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connector: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | ok | failed
    pages: Mapped[int] = mapped_column(Integer, default=0)
    seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    known: Mapped[int] = mapped_column(Integer, default=0)
    not_clue: Mapped[int] = mapped_column(Integer, default=0)
    dead_lettered: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class DeadLetter(Base):
    """A native record that could not become a clue, with the field and the reason."""

    __tablename__ = "dead_letters"
    __table_args__ = (
        Index("ix_dead_letters_connector_state", "connector", "state"),
        Index("ix_dead_letters_connector_ref", "connector", "record_ref"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connector: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))  # pull | push | import
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))
    record_ref: Mapped[str | None] = mapped_column(String(200))  # the native id, if any
    field: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    # open | replayed | resolved | discarded (by an administrator, with `discard_reason`)
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    # An administrator's corrected native record (a raw record of its own, origin
    # "correction"); replay maps it instead of the original, which stays as received.
    corrected_raw_record_id: Mapped[int | None] = mapped_column(ForeignKey("raw_records.id"))
    discard_reason: Mapped[str | None] = mapped_column(Text)
