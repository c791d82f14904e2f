"""SQL of the joint meetings: a meeting by id or month, lists (the office's, an agency's), its
participants, agenda and decisions, and the names and numbers they show."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hub.db.models import Agency, Clue
from hub.errors import NotFound
from hub.handoffs.models import Handoff

from .models import AgendaItem, Meeting, MeetingAgency, MeetingDecision


def get(session: Session, meeting_id: int, *, for_update: bool = False) -> Meeting:
    query = select(Meeting).where(Meeting.id == meeting_id)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"没有编号为 {meeting_id} 的联席会议")
    return found


def by_period(session: Session, period: str) -> Meeting | None:
    return session.scalar(select(Meeting).where(Meeting.period == period))


def listing(session: Session, agency_id: int | None = None) -> list[Meeting]:
    """Every meeting, newest month first; an agency's: those it takes part in."""
    query = select(Meeting).order_by(Meeting.period.desc())
    if agency_id is not None:
        query = query.join(MeetingAgency, MeetingAgency.meeting_id == Meeting.id).where(
            MeetingAgency.agency_id == agency_id)
    return list(session.scalars(query))


def participant(session: Session, meeting_id: int, agency_id: int) -> MeetingAgency | None:
    return session.scalar(select(MeetingAgency).where(MeetingAgency.meeting_id == meeting_id,
                                                      MeetingAgency.agency_id == agency_id))


def participants(session: Session, meeting_id: int) -> list[tuple[MeetingAgency, str]]:
    """The participating agencies with their names, by name."""
    return list(session.execute(
        select(MeetingAgency, Agency.name).join(Agency, Agency.id == MeetingAgency.agency_id)
        .where(MeetingAgency.meeting_id == meeting_id).order_by(Agency.name, Agency.id)).tuples())


def participant_counts(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    if not meeting_ids:
        return {}
    rows = session.execute(select(MeetingAgency.meeting_id, func.count())
                           .where(MeetingAgency.meeting_id.in_(meeting_ids))
                           .group_by(MeetingAgency.meeting_id))
    return dict(rows.tuples().all())


def agenda(session: Session, meeting_id: int, *, public_only: bool = False) -> list[AgendaItem]:
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    if public_only:
        query = query.where(AgendaItem.public.is_(True))
    return list(session.scalars(query.order_by(AgendaItem.position, AgendaItem.id)))


def agenda_item(session: Session, meeting_id: int, item_id: int) -> AgendaItem:
    found = session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                    AgendaItem.id == item_id))
    if found is None:
        raise NotFound(f"这次会议没有编号为 {item_id} 的议程")
    return found


def drop_agenda(session: Session, meeting_id: int) -> None:
    session.execute(delete(AgendaItem).where(AgendaItem.meeting_id == meeting_id))


def decisions(session: Session, meeting_id: int,
              agency_id: int | None = None) -> list[MeetingDecision]:
    query = select(MeetingDecision).where(MeetingDecision.meeting_id == meeting_id)
    if agency_id is not None:
        query = query.where(MeetingDecision.agency_id == agency_id)
    return list(session.scalars(query.order_by(MeetingDecision.position, MeetingDecision.id)))


def decision(session: Session, meeting_id: int, decision_id: int, *,
             for_update: bool = False) -> MeetingDecision:
    query = select(MeetingDecision).where(MeetingDecision.meeting_id == meeting_id,
                                          MeetingDecision.id == decision_id)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"这次会议没有编号为 {decision_id} 的议定事项")
    return found


def next_position(session: Session, model: type[AgendaItem] | type[MeetingDecision],
                  meeting_id: int) -> int:
    last = session.scalar(select(func.max(model.position)).where(model.meeting_id == meeting_id))
    return (last or 0) + 1


def active_agencies(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).where(Agency.active.is_(True))
                                .order_by(Agency.name, Agency.id)))


def agency(session: Session, agency_id: int) -> Agency | None:
    return session.get(Agency, agency_id)


def agency_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids)))
                .tuples().all())


def clue(session: Session, clue_id: int) -> Clue | None:
    return session.get(Clue, clue_id)


def clues(session: Session, ids: set[int]) -> dict[int, Clue]:
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(ids)))}


def handoffs(session: Session, ids: set[int]) -> dict[int, Handoff]:
    if not ids:
        return {}
    return {h.id: h for h in session.scalars(select(Handoff).where(Handoff.id.in_(ids)))}
