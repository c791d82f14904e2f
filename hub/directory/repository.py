"""The directory's SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.orm import Session

from hub.db.models import Clue, ClueEvent

from .index import BodyRecord
from .models import Body


def version(session: Session) -> tuple[int, datetime | None]:
    """Changes whenever a body is added or changed (deactivation included)."""
    count, newest = session.execute(select(func.count(Body.id), func.max(Body.updated_at))).one()
    return int(count), newest


def count(session: Session) -> int:
    return version(session)[0]


def all_bodies(session: Session, *, active_only: bool = False,
               region_code: str | None = None) -> list[Body]:
    query = select(Body).order_by(Body.region_code, Body.level, Body.id)
    if active_only:
        query = query.where(Body.active.is_(True))
    if region_code:
        query = query.where(Body.region_code == region_code)
    return list(session.scalars(query))


def active_records(session: Session) -> list[BodyRecord]:
    rows = session.execute(
        select(Body.id, Body.name, Body.region_code, Body.level, Body.kind, Body.aliases,
               Body.credit_code, Body.parent_id).where(Body.active.is_(True)))
    return [BodyRecord(r.id, r.name, r.region_code, r.level, r.kind, tuple(r.aliases or ()),
                       r.credit_code, r.parent_id) for r in rows]


def get_body(session: Session, body_id: int) -> Body | None:
    return session.get(Body, body_id)


def names_by_id(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Body.id, Body.name)).tuples().all())


def body_named(session: Session, name: str) -> Body | None:
    return session.scalar(select(Body).where(Body.name == name))


def find(session: Session, *, q: str | None = None, region_code: str | None = None,
         limit: int = 200) -> tuple[list[Body], int]:
    """Bodies whose name or an alias contains `q`, in region `region_code` (a code prefix),
    at most `limit`; and how many there are in all. A directory is a city's bodies (hundreds
    to a few thousand), so aliases are matched here rather than inside stored JSON."""
    query = select(Body).order_by(Body.region_code, Body.level, Body.id)
    if region_code:
        query = query.where(Body.region_code.startswith(region_code, autoescape=True))
    bodies = list(session.scalars(query))
    if q:
        bodies = [b for b in bodies if q in b.name or any(q in a for a in b.aliases or [])]
    return bodies[:limit], len(bodies)


def clues_after(session: Session, after_id: int, skipped_statuses: Sequence[str],
                limit: int) -> Sequence[Row[Any]]:
    """The next clues by id (id, subjects, region_code, title, content) for a rematch."""
    return session.execute(
        select(Clue.id, Clue.subjects, Clue.region_code, Clue.title, Clue.content)
        .where(Clue.id > after_id, Clue.status.not_in(skipped_statuses))
        .order_by(Clue.id).limit(limit)).all()


def store_rematched(session: Session, updates: list[dict[str, Any]],
                    events: list[dict[str, Any]]) -> None:
    """Clues' new subjects (bulk by id) and their events."""
    session.execute(update(Clue), updates)
    session.execute(insert(ClueEvent), events)
