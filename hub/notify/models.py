"""Stored records of hub.notify (tables join Base.metadata through hub.tables).

The database is the record of what is still to be sent: a `webhook_deliveries` row exists for
every hand-off event an agency must hear of, a `reminders` row for every reminder, before
anything goes on the wire; senders claim rows, and a row per attempt says what happened.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import JSONType, UTCDateTime, utcnow


class AgencyWebhook(Base):
    """Where an agency wants its hand-offs pushed (one URL per agency)."""

    __tablename__ = "agency_webhooks"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxCursor(Base):
    """How far a reader of an append-only table has got (e.g. hand-off events -> webhooks)."""

    __tablename__ = "outbox_cursors"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event to push to one agency: pending -> sending -> delivered | failed."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_key", name="uq_webhook_deliveries_event_key"),
        Index("ix_webhook_deliveries_state_next", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)  # uuid: receivers dedupe
    event_key: Mapped[str] = mapped_column(String(64))  # e.g. handoff_event:42
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))  # handoff.created | handoff.updated | ...
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)


class WebhookAttempt(Base):
    """One try at sending a delivery: when, what the receiver answered, how long it took."""

    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    url: Mapped[str] = mapped_column(String(500))
    status: Mapped[int | None] = mapped_column(Integer)  # HTTP status; None: no answer
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)


class Reminder(Base):
    """A reminder (催办) or escalation (督办): inserted before it is sent, exactly once."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("handoff_id", "deadline", "kind", "on_date",
                         name="uq_reminders_handoff_deadline_kind_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    deadline: Mapped[str] = mapped_column(String(16))  # reply | completion
    kind: Mapped[str] = mapped_column(String(16))  # before | overdue | escalate
    on_date: Mapped[date] = mapped_column(Date)  # the office day it is for (Asia/Shanghai)
    due_on: Mapped[date] = mapped_column(Date)
    overdue_days: Mapped[int] = mapped_column(Integer, default=0)  # working days
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Base):
    """A message to one office user, shown in the pages (and mailed when SMTP is set)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    kind: Mapped[str] = mapped_column(String(32))  # reminder | escalation | webhook_failed
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)


class NotifyContact(Base):
    """An office user's e-mail address for notifications (kept beside, not in, the account)."""

    __tablename__ = "notify_contacts"
    user_id: Mapped[int] = mapped_column(ForeignKey("office_users.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))


class GroupRobot(Base):
    """A group chat robot (企业微信 or 钉钉) that reminders and escalations are posted to:
    a partner agency's group (its hand-offs), or an office section's group (every hand-off)."""

    __tablename__ = "group_robots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(16))  # wecom | dingtalk
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    section: Mapped[str | None] = mapped_column(String(64))  # an office section, e.g. 督察科
    url_enc: Mapped[bytes] = mapped_column(LargeBinary)  # holds the key / access token
    secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # DingTalk's signing secret
    kinds: Mapped[list[str]] = mapped_column(JSONType)  # before | overdue | escalate | leader
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RobotMessage(Base):
    """One message to one robot, inserted with the reminder it tells of (exactly once), then
    posted: pending -> sending -> sent | failed (after the last attempt)."""

    __tablename__ = "robot_messages"
    __table_args__ = (
        UniqueConstraint("robot_id", "event_key", name="uq_robot_messages_robot_event"),
        Index("ix_robot_messages_state_next", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    robot_id: Mapped[int] = mapped_column(ForeignKey("group_robots.id"))
    event_key: Mapped[str] = mapped_column(String(80))  # reminder:<handoff>:<deadline>:<kind>:<day>
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
