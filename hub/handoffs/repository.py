"""SQL for hand-offs: one by number, an agency's inbox (keyset paging), the office's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, not_, null, select, text, tuple_
from sqlalchemy.orm import Session

from hub.contract.cursor import decode_cursor, encode_cursor
from hub.db.models import Agency, Clue
from hub.db.paging import page_by_change
from hub.directory.models import Body
from hub.errors import NotFound

from .models import Handoff, HandoffAttachment, HandoffEvent, HandoffReply, HandoffReplyPerson
from .numbers import parse_handoff_no


def by_number(session: Session, number: str, *, agency_id: int | None = None,
              for_update: bool = False) -> Handoff:
    """The hand-off `JB-…`; another agency's is not found (404, never 403: no probing)."""
    query = select(Handoff).where(Handoff.number == number)
    if agency_id is not None:
        query = query.where(Handoff.agency_id == agency_id)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query) if parse_handoff_no(number) else None
    if found is None:
        raise NotFound(f"没有找到移交 {number}" + ("（或不是移交给本单位的）" if agency_id else ""))
    return found


@dataclass(frozen=True)
class InboxPage:
    handoffs: list[Handoff]
    next_cursor: str | None


def inbox(session: Session, agency_id: int, *, states: list[str] | None = None,
          updated_since: datetime | None = None, cursor: str | None = None,
          limit: int = 50) -> InboxPage:
    """The agency's hand-offs in (updated_at, id) order; the cursor is opaque to callers."""
    query = select(Handoff).where(Handoff.agency_id == agency_id)
    if states:
        query = query.where(Handoff.state.in_(states))
    rows, last = page_by_change(session, query, Handoff, updated_since=updated_since,
                                after=decode_cursor(cursor) if cursor else None, limit=limit)
    return InboxPage(rows, encode_cursor(last.updated_at, last.id) if last else None)




def for_clue(session: Session, clue_id: int) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.clue_id == clue_id)
                                .order_by(Handoff.id)))


def family(session: Session, handoff: Handoff) -> list[Handoff]:
    """The lead and its co-handlers of the same decision."""
    lead_id = handoff.lead_id or handoff.id
    return list(session.scalars(select(Handoff).where(
        (Handoff.id == lead_id) | (Handoff.lead_id == lead_id)).order_by(Handoff.id)))


def replies(session: Session, handoff_ids: list[int]) -> list[HandoffReply]:
    if not handoff_ids:
        return []
    return list(session.scalars(select(HandoffReply).where(HandoffReply.handoff_id.in_(handoff_ids))
                                .order_by(HandoffReply.received_at, HandoffReply.id)))


def persons(session: Session, reply_ids: list[int]) -> list[HandoffReplyPerson]:
    """The persons named in these replies' outcomes, in reply and then sending order."""
    if not reply_ids:
        return []
    return list(session.scalars(select(HandoffReplyPerson)
                                .where(HandoffReplyPerson.reply_id.in_(reply_ids))
                                .order_by(HandoffReplyPerson.reply_id,
                                          HandoffReplyPerson.position)))


def attachments(session: Session, handoff_ids: list[int]) -> list[HandoffAttachment]:
    if not handoff_ids:
        return []
    return list(session.scalars(select(HandoffAttachment)
                                .where(HandoffAttachment.handoff_id.in_(handoff_ids))
                                .order_by(HandoffAttachment.id)))


def events(session: Session, handoff_id: int) -> list[HandoffEvent]:
    return list(session.scalars(select(HandoffEvent).where(HandoffEvent.handoff_id == handoff_id)
                                .order_by(HandoffEvent.at, HandoffEvent.id)))


@dataclass(frozen=True)
class OfficeFilter:
    state: str | None = None  # a state, or "open"
    kind: str | None = None
    receiver: str | None = None  # part of the receiver's name (the list's search box)
    to: str | None = None  # the receiver's whole name (the overview's rows)
    subject: str | None = None  # a subject unit of the hand-off's clue, by its name
    overdue: bool = False  # a running deadline passed (working days, office.listing)
    due_within: int | None = None  # not overdue, a running deadline within N working days


def _receiver_works():  # noqa: ANN202
    """`deadlines.receiver_works` in SQL: sent, acknowledged, or sent back by the office."""
    from .states import RECEIVER_WORKING

    return Handoff.state.in_(RECEIVER_WORKING) | ((Handoff.state == "returned")
                                                  & (Handoff.returned_by == "office"))


def _office_query(session: Session, f: OfficeFilter, due_by: date | None,  # noqa: ANN202
                  due_from: date | None = None):
    """The office list's filters as one query (the list and the export read the same rows).
    `due_by`: only those whose receiver works with a running deadline on or before that day
    (the overdue and due-soon lists; the caller counts the working days); `due_from`: only
    those whose earliest running deadline is that day or later (due soon, not overdue)."""
    from .states import OPEN

    query = select(Handoff)
    if f.state == "open":
        query = query.where(Handoff.state.in_(OPEN))
    elif f.state:
        query = query.where(Handoff.state == f.state)
    if f.kind:
        query = query.where(Handoff.kind == f.kind)
    if f.receiver:
        query = query.where(Handoff.receiver_name.contains(f.receiver, autoescape=True))
    if f.to:
        query = query.where(Handoff.receiver_name == f.to)
    if f.subject:
        query = query.where(_names_subject(session.get_bind().dialect.name, f.subject))
    if due_by is not None:
        query = query.where(
            _receiver_works(),
            (Handoff.due_on <= due_by) | ((Handoff.reply_due_on <= due_by)
                                          & Handoff.first_replied_at.is_(None)))
    if due_from is not None:
        query = query.where(_next_due() >= due_from)
    return query


LIST_LIMIT = 500  # the office's list shows this many at most, the most urgent (export: all)

# The hand-off's clue names this subject unit, as `office.subject_names` reads its subjects:
# the directory's name when resolved, else the name as sent.
_NAMES_SUBJECT = {
    "postgresql": """EXISTS (
        SELECT 1 FROM clues c, jsonb_array_elements(CASE WHEN jsonb_typeof(c.subjects) = 'array'
                                                    THEN c.subjects ELSE '[]'::jsonb END) AS e(v)
        WHERE c.id = handoffs.clue_id AND jsonb_typeof(e.v) = 'object'
          AND coalesce(nullif(e.v ->> 'resolved_name', ''), e.v ->> 'name') = :subject)""",
    "sqlite": """EXISTS (
        SELECT 1 FROM clues c, json_each(CASE WHEN json_type(c.subjects) = 'array'
                                         THEN c.subjects ELSE '[]' END) AS e
        WHERE c.id = handoffs.clue_id AND e.type = 'object'
          AND coalesce(nullif(json_extract(e.value, '$.resolved_name'), ''),
                       json_extract(e.value, '$.name')) = :subject)""",
}


def _names_subject(dialect: str, name: str):  # noqa: ANN202
    return text(_NAMES_SUBJECT[dialect]).bindparams(subject=name)


def _next_due():  # noqa: ANN202
    """`deadlines.next_due` in SQL: the earliest running deadline (NULL when none runs)."""
    reply_runs = Handoff.first_replied_at.is_(None) & Handoff.reply_due_on.is_not(None)
    return case((not_(_receiver_works()), null()),
                (reply_runs & (Handoff.due_on.is_(None) | (Handoff.reply_due_on < Handoff.due_on)),
                 Handoff.reply_due_on),
                else_=Handoff.due_on)


def office_list(session: Session, f: OfficeFilter, limit: int, *,
                due_by: date | None = None, due_from: date | None = None) -> list[Handoff]:
    """Hand-offs for the office's list, at most `limit` and the most urgent of
    them: the earliest running deadline first (the most overdue), then those with none, the
    newest first. The caller orders by working days overdue, which keeps this order."""
    due = _next_due()
    return list(session.scalars(_office_query(session, f, due_by, due_from)
                                .order_by(due.is_(None), due, Handoff.id.desc())
                                .limit(limit)))


def office_batches(session: Session, f: OfficeFilter, batch: int = 1000, *,  # noqa: ANN201
                   due_by: date | None = None, due_from: date | None = None):
    """Every hand-off of the office's list under `f` (no cap), newest change first, a batch
    at a time: an export streams them into its file."""
    last: tuple[datetime, int] | None = None
    while True:
        query = _office_query(session, f, due_by, due_from)
        if last is not None:
            query = query.where(tuple_(Handoff.updated_at, Handoff.id) < tuple_(*last))
        rows = list(session.scalars(query.order_by(Handoff.updated_at.desc(), Handoff.id.desc())
                                    .limit(batch)))
        if not rows:
            return
        yield rows
        last = (rows[-1].updated_at, rows[-1].id)
        for done in rows:
            session.expunge(done)
        if len(rows) < batch:
            return


def persons_of(session: Session, handoff_ids: list[int]) -> dict[int, list[str]]:
    """hand-off id -> the masked names of the persons its replies named."""
    out: dict[int, list[str]] = {}
    if handoff_ids:
        for handoff_id, name in session.execute(
                select(HandoffReplyPerson.handoff_id, HandoffReplyPerson.name_masked)
                .where(HandoffReplyPerson.handoff_id.in_(handoff_ids))
                .order_by(HandoffReplyPerson.reply_id, HandoffReplyPerson.position)):
            out.setdefault(handoff_id, []).append(name)
    return out


def numbers_by_decision(session: Session, decision_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if decision_ids:
        for decision_id, number in session.execute(
                select(Handoff.decision_id, Handoff.number)
                .where(Handoff.decision_id.in_(decision_ids)).order_by(Handoff.id)):
            out.setdefault(decision_id, []).append(number)
    return out


def receiver_working(session: Session, limit: int = 1000, after_id: int = 0) -> list[Handoff]:
    """Hand-offs whose clocks run (sent, acknowledged, or sent back by the office), by id:
    what reminder and escalation jobs look at (`deadlines.running_deadlines`, `days_overdue`)."""
    query = select(Handoff).where(Handoff.id > after_id, _receiver_works())
    return list(session.scalars(query.order_by(Handoff.id).limit(limit)))


def reminder_events(session: Session, handoff_id: int) -> list[HandoffEvent]:
    """A hand-off's reminders and escalations, oldest first."""
    return list(session.scalars(select(HandoffEvent).where(
        HandoffEvent.handoff_id == handoff_id, HandoffEvent.action.in_(["remind", "escalate"]))
        .order_by(HandoffEvent.id)))


def states_of_clue(session: Session, clue_id: int) -> list[str]:
    """The states of every hand-off of a clue."""
    return list(session.scalars(select(Handoff.state).where(Handoff.clue_id == clue_id)))


def clues_by_id(session: Session, ids: set[int]) -> dict[int, Clue]:
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(ids)))}


def reply_with_source_ref(session: Session, handoff_id: int, source_ref: str) -> HandoffReply | None:
    return session.scalar(select(HandoffReply).where(
        HandoffReply.handoff_id == handoff_id, HandoffReply.source_ref == source_ref))


def attachments_by_id(session: Session, handoff_id: int, ids: list[int]) -> dict[int, HandoffAttachment]:
    """Of these attachment ids, the ones uploaded to this hand-off."""
    return {a.id: a for a in session.scalars(select(HandoffAttachment).where(
        HandoffAttachment.id.in_(ids), HandoffAttachment.handoff_id == handoff_id))}


def active_agency_named(session: Session, name: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.name == name, Agency.active))


def active_body_named(session: Session, name: str) -> Body | None:
    return session.scalar(select(Body).where(Body.name == name, Body.active))


def active_bodies(session: Session) -> list[Body]:
    return list(session.scalars(select(Body).where(Body.active)))


def agencies_named_like(session: Session, words: str, limit: int) -> list[Agency]:
    """Active agencies whose name contains the words (the receiver picker)."""
    return list(session.scalars(
        select(Agency).where(Agency.active, Agency.name.contains(words, autoescape=True))
        .order_by(Agency.name).limit(limit)))
