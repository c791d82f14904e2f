"""Stored records of hub.route (tables join Base.metadata by being imported in hub.tables).

`rule_sets` keeps every version of the office's rules as the YAML text it was saved from;
versions are never changed or deleted, one of them is active. `route_proposals` holds each
clue's current proposal with the version and rule that made it and the conditions that
matched. Routing a clue again replaces its row; the history of every routing stays in
`clue_events` (action `routed`, the full proposal in `detail`), which is never updated.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import JSONType, UTCDateTime, utcnow


class RuleSetVersion(Base):
    """One saved version of the routing rules."""

    __tablename__ = "rule_sets"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(String(500))
    yaml: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class RouteProposal(Base):
    """A clue's current proposal. `rule_id` None: no rule matched (`reason` says so)."""

    __tablename__ = "route_proposals"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True,
                                         autoincrement=False)
    rule_set_version: Mapped[int] = mapped_column(ForeignKey("rule_sets.version"))
    rule_id: Mapped[str | None] = mapped_column(String(64), index=True)
    rule_name: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str | None] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    matched: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
