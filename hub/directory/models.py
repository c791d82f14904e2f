"""Stored records of hub.directory (tables join Base.metadata through hub.tables)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import JSONType, UTCDateTime, utcnow


class Body(Base):
    """A government body of the directory (单位名录). Never deleted: clues point at it."""

    __tablename__ = "bodies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # the full official name
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    level: Mapped[str] = mapped_column(String(16))  # province | city | county | township
    kind: Mapped[str] = mapped_column(String(32))  # 政府部门, 派出机构, 法院 …
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on every change: the resolver's snapshot reloads when the newest one moves.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
