"""Stored records of hub.archive (tables join Base.metadata through hub.db.registry)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import UTCDateTime, utcnow


class ArchiveFile(Base):
    """One archive file (案卷) of one closed matter: pending (to be built) -> filed;
    reopened when a follow-up check's rebound reopens the matter (the file stays as filed);
    destroyed when its retention period has passed (the content is cleared, the row stays)."""

    __tablename__ = "archive_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # DA-2026-000001
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    retention: Mapped[str] = mapped_column(String(16))  # permanent | 30y | 10y
    secrecy: Mapped[str] = mapped_column(String(16))  # 内部 | 秘密 …
    retain_until: Mapped[date | None] = mapped_column(Date)  # None: permanent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # the zip, encrypted
    size: Mapped[int | None] = mapped_column(Integer)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(Text)  # Ed25519 over manifest.json, base64
    key_id: Mapped[str | None] = mapped_column(String(32))
    entries: Mapped[int | None] = mapped_column(Integer)
