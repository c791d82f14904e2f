"""SQL for follow-up checks: by id, the scheduled one of a clue, lists, the due count."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.errors import NotFound

from .models import FollowUp


def get(session: Session, followup_id: int, *, for_update: bool = False) -> FollowUp:
    query = select(FollowUp).where(FollowUp.id == followup_id)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"没有找到编号为 {followup_id} 的回头看")
    return found


def scheduled_for_clue(session: Session, clue_id: int) -> list[FollowUp]:
    return list(session.scalars(select(FollowUp).where(FollowUp.clue_id == clue_id,
                                                       FollowUp.state == "scheduled")))


def for_clue(session: Session, clue_id: int) -> list[FollowUp]:
    return list(session.scalars(select(FollowUp).where(FollowUp.clue_id == clue_id)
                                .order_by(FollowUp.id)))


def listing(session: Session, *, view: str, today: date, owner_id: int | None = None,
            limit: int = 500) -> list[FollowUp]:
    """view: due (scheduled, due on or before today) | scheduled | done | all."""
    query = select(FollowUp)
    if view == "due":
        query = query.where(FollowUp.state == "scheduled", FollowUp.due_on <= today)
    elif view in ("scheduled", "done", "cancelled"):
        query = query.where(FollowUp.state == view)
    if owner_id is not None:
        query = query.where(FollowUp.owner_id == owner_id)
    order = (FollowUp.done_at.desc(), FollowUp.id.desc()) if view == "done" else (
        FollowUp.due_on, FollowUp.id)
    return list(session.scalars(query.order_by(*order).limit(limit)))


def count_due(session: Session, today: date, owner_id: int | None = None) -> int:
    query = select(func.count()).select_from(FollowUp).where(
        FollowUp.state == "scheduled", FollowUp.due_on <= today)
    if owner_id is not None:
        query = query.where(FollowUp.owner_id == owner_id)
    return session.scalar(query) or 0


def claim_to_notify(session: Session, today: date) -> list[tuple[int, int | None, int, date]]:
    """Due follow-ups nobody was told of yet, marked told in the same statement (so two
    schedulers never tell twice): (id, owner_id, clue_id, due_on)."""
    rows = session.execute(
        update(FollowUp).where(FollowUp.state == "scheduled", FollowUp.due_on <= today,
                               FollowUp.notified_on.is_(None))
        .values(notified_on=today)
        .returning(FollowUp.id, FollowUp.owner_id, FollowUp.clue_id, FollowUp.due_on)
        .execution_options(synchronize_session=False)).all()
    return [tuple(r) for r in rows]
