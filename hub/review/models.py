"""Decisions the office takes on clues. Never updated or deleted: a new one supersedes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import JSONType, UTCDateTime, utcnow


class Decision(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # accept decline assign refer transfer cc merge
    target: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    via: Mapped[str] = mapped_column(String(16))  # page | api
    bulk_id: Mapped[str | None] = mapped_column(String(32))


class DecisionProposal(Base):
    """A decision a reviewer proposed that needs a section head's approval (referrals and
    declines, `decision_approval_kinds`): pending until approved (the decision is then made)
    or sent back (returned); superseded when the clue was decided otherwise."""

    __tablename__ = "decision_proposals"
    __table_args__ = (Index("ix_decision_proposals_state", "state", "proposed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    request: Mapped[dict[str, Any]] = mapped_column(JSONType)  # target, reason, deadlines…
    proposed_by: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    settled_by: Mapped[int | None] = mapped_column(ForeignKey("office_users.id"))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class ClueOwner(Base):
    """Who works a clue (承办人): assigned by a section head, or taken by a reviewer."""

    __tablename__ = "clue_owners"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("office_users.id"), index=True)
    assigned_by: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HandoffOwner(Base):
    """Who follows a hand-off in the office (承办人); a hand-off without one is followed by
    its clue's owner."""

    __tablename__ = "handoff_owners"
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("office_users.id"), index=True)
    assigned_by: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClueMerge(Base):
    """A clue merged as a duplicate (合并) into the clue that survives it. `lead_decision_id`:
    settled together with its cluster lead's decision (同时处理本组重复线索)."""

    __tablename__ = "clue_merges"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True,
                                         autoincrement=False)
    into_clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    lead_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    merged_by: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedFilter(Base):
    """A reviewer's named filters of a list (`scope`: queue, clues or handoffs), theirs only."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "scope", "name",
                                       name="uq_saved_filters_user_scope_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    scope: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
