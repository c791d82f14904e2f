"""Keyset pages in (updated_at, id) order: the statements behind the agencies' lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import Session


def page_by_change(session: Session, query: Select, model: Any, *,
                   updated_since: datetime | None, after: tuple[datetime, int] | None,
                   limit: int) -> tuple[list[Any], Any | None]:
    """One page of `query`'s rows changed since `updated_since`, past the key `after`; and
    the page's last row when more follow (None on the last page)."""
    if updated_since is not None:
        query = query.where(model.updated_at >= updated_since)
    if after is not None:
        query = query.where(tuple_(model.updated_at, model.id) > tuple_(*after))
    rows = list(session.scalars(query.order_by(model.updated_at, model.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1] if more and rows else None)
