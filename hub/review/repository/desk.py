"""SQL of the desk's own records: decisions awaiting approval, owners (承办人) of clues and
hand-offs, 我的待办, the office's users, saved filters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.review.models import ClueOwner, DecisionProposal, HandoffOwner, SavedFilter


def pending_proposals(session: Session, clue_ids: list[int] | None = None) -> list[DecisionProposal]:
    query = select(DecisionProposal).where(DecisionProposal.state == "pending")
    if clue_ids is not None:
        query = query.where(DecisionProposal.clue_id.in_(clue_ids))
    return list(session.scalars(query.order_by(DecisionProposal.proposed_at,
                                               DecisionProposal.id)))


def proposal(session: Session, proposal_id: int) -> DecisionProposal | None:
    return session.get(DecisionProposal, proposal_id, with_for_update=True)


def owner_of(session: Session, clue_id: int) -> ClueOwner | None:
    return session.get(ClueOwner, clue_id)


def owners(session: Session, clue_ids: list[int]) -> dict[int, int]:
    if not clue_ids:
        return {}
    return dict(session.execute(select(ClueOwner.clue_id, ClueOwner.user_id)
                                .where(ClueOwner.clue_id.in_(clue_ids))).all())


def set_owner(session: Session, clue_id: int, user_id: int, by: int, now: datetime) -> None:
    found = session.get(ClueOwner, clue_id, with_for_update=True)
    if found is None:
        session.add(ClueOwner(clue_id=clue_id, user_id=user_id, assigned_by=by, assigned_at=now))
    else:
        found.user_id, found.assigned_by, found.assigned_at = user_id, by, now


def set_handoff_owner(session: Session, handoff_id: int, user_id: int, by: int,
                      now: datetime) -> None:
    found = session.get(HandoffOwner, handoff_id, with_for_update=True)
    if found is None:
        session.add(HandoffOwner(handoff_id=handoff_id, user_id=user_id, assigned_by=by,
                                 assigned_at=now))
    else:
        found.user_id, found.assigned_by, found.assigned_at = user_id, by, now


def own_handoff_owner(session: Session, handoff_id: int) -> int | None:
    """The hand-off's own owner (not its clue's)."""
    own = session.get(HandoffOwner, handoff_id)
    return own.user_id if own is not None else None


def handoff_owner(session: Session, handoff_id: int, clue_id: int) -> int | None:
    """The hand-off's own owner, else its clue's."""
    own = session.get(HandoffOwner, handoff_id)
    if own is not None:
        return own.user_id
    clue = session.get(ClueOwner, clue_id)
    return clue.user_id if clue else None


def my_clues(session: Session, user_id: int, limit: int = 200) -> list[Clue]:
    """Clues I own that wait on the office (pending review)."""
    return list(session.scalars(
        select(Clue).join(ClueOwner, ClueOwner.clue_id == Clue.id)
        .where(ClueOwner.user_id == user_id, Clue.status == "pending_review")
        .order_by(Clue.priority.desc(), Clue.received_at).limit(limit)))


def my_handoffs(session: Session, user_id: int, states: tuple[str, ...],
                limit: int = 200) -> list:
    """Hand-offs I follow (mine, or of a clue I own when the hand-off has no owner of its
    own) in one of `states`: those waiting on the office."""
    from hub.handoffs.models import Handoff

    own = select(HandoffOwner.handoff_id).where(HandoffOwner.user_id == user_id)
    via_clue = (select(Handoff.id).join(ClueOwner, ClueOwner.clue_id == Handoff.clue_id)
                .outerjoin(HandoffOwner, HandoffOwner.handoff_id == Handoff.id)
                .where(ClueOwner.user_id == user_id, HandoffOwner.handoff_id.is_(None)))
    return list(session.scalars(
        select(Handoff).where(Handoff.id.in_(own.union(via_clue)), Handoff.state.in_(states))
        .order_by(Handoff.due_on, Handoff.id).limit(limit)))


def user_names(session: Session) -> dict[str, str]:
    """username → display name, for history lines ("user:li" → 李科员)."""
    from hub.accounts.models import OfficeUser

    return dict(session.execute(select(OfficeUser.username, OfficeUser.display_name)).all())


def reviewers(session: Session) -> list:
    from hub.accounts.models import OfficeUser

    return list(session.scalars(select(OfficeUser).where(
        OfficeUser.active, OfficeUser.role.in_(("reviewer", "section_head")))
        .order_by(OfficeUser.role, OfficeUser.display_name)))


def all_users(session: Session) -> list:
    from hub.accounts.models import OfficeUser

    return list(session.scalars(select(OfficeUser)))


def returned_proposals(session: Session, user_id: int) -> list[DecisionProposal]:
    """My proposals sent back whose clue still waits for review."""
    return list(session.scalars(
        select(DecisionProposal).join(Clue, Clue.id == DecisionProposal.clue_id)
        .where(DecisionProposal.proposed_by == user_id, DecisionProposal.state == "returned",
               Clue.status == "pending_review")
        .order_by(DecisionProposal.settled_at.desc()).limit(100)))


# -- saved filters ------------------------------------------------------------------------------

def saved_filters(session: Session, user_id: int, scope: str) -> list[SavedFilter]:
    return list(session.scalars(select(SavedFilter).where(
        SavedFilter.user_id == user_id, SavedFilter.scope == scope).order_by(SavedFilter.name)))


def saved_filter(session: Session, user_id: int, scope: str, name: str) -> SavedFilter | None:
    return session.scalar(select(SavedFilter).where(
        SavedFilter.user_id == user_id, SavedFilter.scope == scope, SavedFilter.name == name))


def saved_filter_by_id(session: Session, filter_id: int) -> SavedFilter | None:
    return session.get(SavedFilter, filter_id)


def add_saved_filter(session: Session, saved: SavedFilter) -> None:
    session.add(saved)
    session.flush()


def delete_saved_filter(session: Session, saved: SavedFilter) -> None:
    session.delete(saved)
