"""Stored records of hub.handoffs (tables join Base.metadata through hub.tables).

A hand-off is its own record with its own state and deadlines; every change of state is a
`HandoffEvent` (never updated or deleted), every answer from the receiver a `HandoffReply`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import JSONType, UTCDateTime, utcnow


class Handoff(Base):
    """One receiver's hand-off of one clue: the lead (主办) or a co-handler (协办)."""

    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_agency_updated", "agency_id", "updated_at", "id"),
        Index("ix_handoffs_state_due", "state", "due_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # JB-2026-000001
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # assign | refer | transfer | cc
    role: Mapped[str] = mapped_column(String(8), default="lead")  # lead | co
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"))  # a co-handler's lead
    # The receiver: a partner agency (works its inbox by API / webhook) and/or a subject unit.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    receiver_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="sent")  # hub.handoffs.states
    returned_by: Mapped[str | None] = mapped_column(String(16))  # receiver | office
    instructions: Mapped[str | None] = mapped_column(Text)
    # Deadlines are Asia/Shanghai calendar dates, counted in Chinese working days.
    reply_due_on: Mapped[date | None] = mapped_column(Date)  # initial feedback (初步反馈)
    due_on: Mapped[date | None] = mapped_column(Date)  # completion (办结)
    deadline_warning: Mapped[str | None] = mapped_column(Text)  # calendar coverage, Chinese
    # The reporter's contact data, when the office hands it over: encrypted to this hand-off.
    reporter_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("office_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the final reply
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every change (webhook receivers and inbox pollers compare it).
    version: Mapped[int] = mapped_column(Integer, default=1)


class HandoffEvent(Base):
    """A hand-off's history: every transition and action, who, when and how."""

    __tablename__ = "handoff_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # user:3 | agency:2 | system
    via: Mapped[str] = mapped_column(String(16))  # api | page | cli | system
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class HandoffReply(Base):
    """A reply (反馈) from the receiver: progress or final, with its outcome (办理结果)."""

    __tablename__ = "handoff_replies"
    __table_args__ = (UniqueConstraint("handoff_id", "source_ref",
                                       name="uq_handoff_replies_handoff_source_ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    source_ref: Mapped[str | None] = mapped_column(String(128))  # the sender's id: idempotency
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(32))  # SPEC §4 outcome kinds
    persons: Mapped[int | None] = mapped_column(Integer)
    amount_yuan: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    outcome_text: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16))


class HandoffAttachment(Base):
    """An attachment's bytes, encrypted, with the SHA-256 and size of the plaintext."""

    __tablename__ = "handoff_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_replies.id"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HandoffReplyPerson(Base):
    """One person a reply's outcome names (held accountable, sanctioned or handled): the name
    encrypted to this row, a masked copy for pages and answers, the rest as enums."""

    __tablename__ = "handoff_reply_persons"
    __table_args__ = (UniqueConstraint("reply_id", "position",
                                       name="uq_handoff_reply_persons_reply_position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("handoff_replies.id"), index=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order as sent, from 0
    # None once retention erased it (hub.privacy.retention), like the reporter's block
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    name_masked: Mapped[str] = mapped_column(String(50))
    post: Mapped[str | None] = mapped_column(String(100))  # 职务
    rank: Mapped[str | None] = mapped_column(String(16))  # hub.handoffs.schemas.PersonRank
    kind: Mapped[str] = mapped_column(String(32))  # PersonKind
    measure: Mapped[str] = mapped_column(String(32))  # PersonMeasure
