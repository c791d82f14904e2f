"""SQL of the reports' records: the one database snapshot a report is read in, the ledger's
rows (streamed), the records behind a figure (clues, hand-offs, their numbers), the agencies
to share with, issued reports and their shares.

Times are the office's (Asia/Shanghai, `scope.py`); the area filter is the figures' own
(`members.in_area`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.orm import Session

from hub.correlate.models import ClueCluster
from hub.db.models import Agency, Clue
from hub.handoffs.models import Handoff, HandoffReply, HandoffReplyPerson
from hub.intake.present import clue_no
from hub.reports.models import IssuedReport, ReportShare
from hub.review.models import Decision

from ..scope import Scope
from .members import in_area

CHUNK = 5000
LEDGER_BATCH = 2000


def begin_snapshot(session: Session) -> None:
    """Make every read of `session` from here to its end see one snapshot of the database,
    so the figures, the ledger and the .docx of one report agree with each other.

    PostgreSQL: a REPEATABLE READ transaction (the session must not have run a statement
    yet; when it has, its transaction is left as it is). SQLite: an explicit read transaction
    (pysqlite runs each SELECT on its own otherwise), whose snapshot is taken by the first read.
    """
    if session.get_bind().dialect.name == "postgresql":
        if not session.in_transaction():
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return
    raw = session.connection().connection.driver_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN")


def active_agencies(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).where(Agency.active.is_(True))
                                .order_by(Agency.name)))


def agency_name(session: Session, agency_id: int) -> str:
    return session.get(Agency, agency_id).name


def clues(session: Session, ids: list[int]) -> Iterator[Clue]:
    """The clues of these ids, in id order."""
    return iter(session.scalars(select(Clue).where(Clue.id.in_(ids)).order_by(Clue.id)))


def handoffs_with_clues(session: Session, ids: list[int]) -> Iterator[tuple[Handoff, Clue]]:
    """The hand-offs of these ids with their clue, in id order."""
    return iter(session.execute(select(Handoff, Clue).join(Clue, Clue.id == Handoff.clue_id)
                                .where(Handoff.id.in_(ids)).order_by(Handoff.id)).tuples())


def record_numbers(session: Session, of: str, ids: list[int]) -> list[str]:
    """XS-… for clues, JB-… for hand-offs, in id order."""
    out: list[str] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        if of == "clue":
            rows = session.execute(select(Clue.id, Clue.received_at).where(Clue.id.in_(chunk))
                                   .order_by(Clue.id))
            out += [clue_no(i, at) for i, at in rows]
        else:
            out += list(session.scalars(select(Handoff.number).where(Handoff.id.in_(chunk))
                                        .order_by(Handoff.id)))
    return out


def jit_off(session: Session) -> None:
    """PostgreSQL: a report is dozens of short queries, and compiling each (JIT) costs more
    than it saves; for this transaction only."""
    session.execute(text("SET LOCAL jit = off"))


_HANDOFF_ROW = (Handoff.number, Handoff.kind, Handoff.receiver_name, Handoff.due_on,
                Handoff.replied_at, Clue.id, Clue.received_at, Clue.title, Clue.subjects)


def handoff_rows_of_members(session: Session, members: Select) -> list[Any]:
    """The hand-offs among a figure's members (column `id`) with their clues, in one query."""
    sub = members.subquery()
    return list(session.execute(select(*_HANDOFF_ROW).join(Clue, Clue.id == Handoff.clue_id)
                                .where(Handoff.id.in_(select(sub.c.id)))))


def handoff_rows(session: Session, ids: list[int]) -> list[Any]:
    """The hand-offs of the given ids with their clues (5,000 ids a query)."""
    query = select(*_HANDOFF_ROW).join(Clue, Clue.id == Handoff.clue_id)
    rows: list[Any] = []
    for start in range(0, len(ids), 5000):
        rows += list(session.execute(query.where(Handoff.id.in_(ids[start:start + 5000]))))
    return rows


# Issued reports and their shares (issue.py)

def latest_version(session: Session, period: str, area: str) -> int | None:
    return session.scalar(select(func.max(IssuedReport.version)).where(
        IssuedReport.period == period, IssuedReport.area == area))


def issued_exists(session: Session, period: str, area: str) -> bool:
    return session.scalar(select(IssuedReport.id).where(
        IssuedReport.period == period, IssuedReport.area == area).limit(1)) is not None


def issued_reports(session: Session, agency_id: int | None = None) -> list[IssuedReport]:
    """Issued reports, newest period first (those shared with the agency, when given)."""
    query = select(IssuedReport).order_by(IssuedReport.period.desc(), IssuedReport.area,
                                          IssuedReport.version.desc())
    if agency_id is not None:
        query = query.join(ReportShare, ReportShare.report_id == IssuedReport.id).where(
            ReportShare.agency_id == agency_id)
    return list(session.scalars(query))


def is_shared(session: Session, report_id: int, agency_id: int) -> bool:
    return session.scalar(select(ReportShare.id).where(ReportShare.report_id == report_id,
                                                       ReportShare.agency_id == agency_id)) is not None


def share_names(session: Session, report_ids: list[int]) -> list[tuple[int, str]]:
    return list(session.execute(select(ReportShare.report_id, Agency.name)
                                .join(Agency, Agency.id == ReportShare.agency_id)
                                .where(ReportShare.report_id.in_(report_ids))).tuples())



# -- the ledger's rows (streamed) ------------------------------------------------------------

def _stream(session: Session, query: Select) -> Iterator[Any]:
    return iter(session.execute(query.execution_options(yield_per=LEDGER_BATCH)))


def ledger_clues(session: Session, scope: Scope) -> Iterator[Any]:
    """The clues received in the month with their agency, last decision by the cutoff and
    cluster, in id order."""
    latest = (select(Decision.clue_id, func.max(Decision.id).label("decision_id"))
              .where(Decision.decided_at < scope.cutoff).group_by(Decision.clue_id).subquery())
    return _stream(session, select(
        Clue.id, Clue.received_at, Clue.channel, Agency.name, Clue.source_ref, Clue.title,
        Clue.category, Clue.field, Clue.region_code, Clue.subjects, Clue.urgency, Clue.status,
        Decision.kind, Decision.decided_at, ClueCluster.cluster_id)
        .join(Agency, Agency.id == Clue.agency_id)
        .outerjoin(latest, latest.c.clue_id == Clue.id)
        .outerjoin(Decision, Decision.id == latest.c.decision_id)
        .outerjoin(ClueCluster, ClueCluster.clue_id == Clue.id)
        .where(Clue.received_at >= scope.start, Clue.received_at < scope.end, in_area(scope))
        .order_by(Clue.id))


def ledger_handoffs(session: Session, scope: Scope) -> Iterator[Any]:
    """The hand-offs sent, closed or open in the month, with their clue and final reply by
    the cutoff, in id order."""
    final = (select(HandoffReply.handoff_id, func.max(HandoffReply.id).label("reply_id"))
             .where(HandoffReply.final.is_(True), HandoffReply.received_at < scope.cutoff)
             .group_by(HandoffReply.handoff_id).subquery())
    s, h = scope, Handoff
    touched = or_((h.sent_at >= s.start) & (h.sent_at < s.end),
                  (h.closed_at >= s.start) & (h.closed_at < s.end),
                  (h.sent_at < s.cutoff) & (h.state != "cancelled")
                  & (h.closed_at.is_(None) | (h.closed_at >= s.cutoff)))
    return _stream(session, select(
        h.number, h.kind, h.role, h.receiver_name, h.state, h.sent_at, h.acknowledged_at,
        h.reply_due_on, h.due_on, h.first_replied_at, h.replied_at, h.verified_at, h.closed_at,
        Clue.id, Clue.received_at, Clue.title, Clue.subjects, HandoffReply.outcome,
        HandoffReply.persons, HandoffReply.amount_yuan)
        .join(Clue, Clue.id == h.clue_id)
        .outerjoin(final, final.c.handoff_id == h.id)
        .outerjoin(HandoffReply, HandoffReply.id == final.c.reply_id)
        .where(in_area(scope), h.sent_at.is_not(None), touched)
        .order_by(h.id))


def ledger_persons(session: Session, scope: Scope) -> Iterator[Any]:
    """The persons named in the outcomes received in the month (the 人次 the figures count),
    with their clue, hand-off and reply, in order; names only in their masked form."""
    p = HandoffReplyPerson
    return _stream(session, select(
        Clue.id, Clue.received_at, Clue.title, Handoff.number, Handoff.receiver_name,
        HandoffReply.outcome, HandoffReply.received_at.label("replied_at"), p.name_masked,
        p.post, p.rank, p.kind, p.measure)
        .join(HandoffReply, HandoffReply.id == p.reply_id)
        .join(Handoff, Handoff.id == p.handoff_id)
        .join(Clue, Clue.id == Handoff.clue_id)
        .where(in_area(scope), HandoffReply.received_at >= scope.start,
               HandoffReply.received_at < scope.end)
        .order_by(Clue.id, Handoff.id, p.reply_id, p.position))
