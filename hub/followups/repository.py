"""SQL for follow-up checks: by id, the scheduled one of a clue, lists, the due count."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.db.models import Clue
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


def user_id_named(session: Session, username: str) -> int | None:
    from hub.accounts.models import OfficeUser

    return session.scalar(select(OfficeUser.id).where(OfficeUser.username == username))


def clues_by_id(session: Session, ids: set[int]) -> dict[int, Clue]:
    return {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(ids)))}


def handoff_numbers_and_receivers(session: Session,
                                  ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Hand-offs' numbers and receivers' names by id."""
    from hub.handoffs.models import Handoff

    numbers = dict(session.execute(select(Handoff.id, Handoff.number).where(Handoff.id.in_(ids)))
                   .tuples().all())
    receivers = dict(session.execute(select(Handoff.id, Handoff.receiver_name)
                                     .where(Handoff.id.in_(ids))).tuples().all())
    return numbers, receivers


def display_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    from hub.accounts.models import OfficeUser

    return dict(session.execute(select(OfficeUser.id, OfficeUser.display_name).where(
        OfficeUser.id.in_(user_ids))).tuples().all())


def active_reviewers(session: Session) -> list[int]:
    from hub.accounts.models import OfficeUser

    return list(session.scalars(select(OfficeUser.id).where(OfficeUser.active.is_(True),
                                                            OfficeUser.role == "reviewer")))


def clue_title(session: Session, clue_id: int) -> str | None:
    return session.scalar(select(Clue.title).where(Clue.id == clue_id))
