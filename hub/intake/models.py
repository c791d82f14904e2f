"""The bytes of a clue's attachments: declared by the sender in the clue, uploaded after it
(or with the office's registration), encrypted at rest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import UTCDateTime, utcnow


class ClueAttachment(Base):
    """One attachment's bytes, encrypted, with the SHA-256 and size of the plaintext and the
    media type the hub found in the bytes (never the sender's word alone)."""

    __tablename__ = "clue_attachments"
    __table_args__ = (UniqueConstraint("clue_id", "sha256", name="uq_clue_attachments_clue_sha"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))  # agency:<id> | user:<id>
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
