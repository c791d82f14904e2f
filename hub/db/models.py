"""ORM models. API shapes live in hub.contract; these are the stored records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hub.db.types import JSONType, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    """A partner agency (协作单位) that pushes clues or receives hand-offs."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Ed25519 public key (PEM); when set, every request must be signed (hub/agencies/signing.py).
    signing_public_key: Mapped[str | None] = mapped_column(Text)


class ApiKey(Base):
    """An agency's API key. Only the SHA-256 of the secret is kept (keys are 256-bit random)."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(200), default="clues:write clues:read")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Space-separated CIDRs the key may be used from; none means from anywhere.
    allowed_ips: Mapped[str | None] = mapped_column(String(1000))


class RawRecord(Base):
    """A body exactly as received, encrypted, with the SHA-256 of the plaintext bytes."""

    __tablename__ = "raw_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    origin: Mapped[str] = mapped_column(String(32))  # api | api_batch | connector | import
    connector: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    outcome: Mapped[str] = mapped_column(String(16))  # accepted | duplicate | rejected | partial
    errors: Mapped[list[Any] | None] = mapped_column(JSONType)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # body removed by retention


class Clue(Base):
    """A clue in the shared shape. `status` follows the pipeline, then review."""

    __tablename__ = "clues"
    __table_args__ = (
        UniqueConstraint("agency_id", "source_ref", name="uq_clues_agency_source_ref"),
        Index("ix_clues_status_received", "status", "received_at"),
        Index("ix_clues_queue_priority", "status", "priority", "received_at", "id"),
        Index("ix_clues_received_id", "received_at", "id"),  # every clue, newest first
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    source_ref: Mapped[str] = mapped_column(String(128))
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))
    raw_index: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(32), default="received")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    channel: Mapped[str] = mapped_column(String(32))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32))
    category_source: Mapped[str | None] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(6))  # ix_clues_region_id
    region_source: Mapped[str | None] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")  # queue order
    subjects: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    references: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    attachments: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    normalization: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    reporter_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    reporter_masked: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Blind indexes (keyed HMAC, hub.security.blind): "has this person reported before?"
    reporter_phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    reporter_id_index: Mapped[str | None] = mapped_column(String(64), index=True)


class ClueEvent(Base):
    """The clue's history: every step and action, who and when. Never updated or deleted."""

    __tablename__ = "clue_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class Task(Base):
    """Work still to be done: the durable record behind every queue message.

    The queue only wakes workers up; a task is claimed, done and finished in transactions,
    and the sweeper publishes again whatever stayed pending or got stuck.
    """

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("stage", "ref_id", name="uq_tasks_stage_ref"),
        Index("ix_tasks_state_stage", "state", "stage"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
