"""Stored records of hub.documents (tables join Base.metadata through hub.db.registry)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import UTCDateTime, utcnow


class DocumentTemplate(Base):
    """A .docx template the office uploaded for one kind (replaces the built-in one)."""

    __tablename__ = "document_templates"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


class DocumentSequence(Base):
    """The last number given to a kind in a year (十法督交〔2026〕12号 is assign's 12th)."""

    __tablename__ = "document_sequences"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IssuedDocument(Base):
    """One issued document: its number, the bytes as issued (never changed) and their hash."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("kind", "year", "seq", name="uq_issued_documents_kind_year_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    event_key: Mapped[str] = mapped_column(String(80), unique=True)  # what it was issued for
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    template_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(64))
