"""Nonces of signed requests, kept until their timestamp can no longer be accepted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import UTCDateTime


class RequestNonce(Base):
    """A nonce seen in a signed request; a second request with it is a replay.

    The primary key makes the check work across processes: the second insert fails.
    """

    __tablename__ = "request_nonces"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
