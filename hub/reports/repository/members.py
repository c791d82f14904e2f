"""SQL of the reports' figures: the members of each figure, rows of (grp, id[, amount]) for a
month and area (what each figure means is in `hub/reports/figures.py`), their counts per
group, and the names a figure's groups are shown with.

Times are the office's (Asia/Shanghai, `scope.py`). An area filter keeps the clues whose
region code starts with the prefix, and the hand-offs of those clues."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from hub.correlate.models import ClueCluster, Cluster
from hub.db.models import Clue
from hub.directory.models import Body
from hub.followups.models import FollowUp
from hub.handoffs.models import Handoff, HandoffEvent, HandoffReply, HandoffReplyPerson
from hub.review.models import Decision

from ..scope import Scope

ALL = "all"  # the group of a figure that is not split
RECTIFIED = ("rectified", "resolved")


def group_counts(session: Session, members: Select, measure: str,
                 unique_rows: bool) -> dict[str, float]:
    """A figure's value per group over its members (columns id, grp, amount): the sum of
    `amount` when measure is "sum", else rows (unique_rows) or distinct ids."""
    sub = members.subquery()
    grp = cast(sub.c.grp, String)
    if measure == "sum":
        value = func.coalesce(func.sum(sub.c.amount), 0)
    elif unique_rows:
        value = func.count()
    else:
        value = func.count(distinct(sub.c.id))
    return {str(g): float(v or 0) for g, v in session.execute(select(grp, value).group_by(grp))}


def distinct_member_count(session: Session, members: Select) -> int:
    sub = members.subquery()
    return session.scalar(select(func.count(distinct(sub.c.id)))) or 0


def member_ids(session: Session, members: Select, group: str | None = None) -> list[int]:
    """The distinct ids of a figure's members (or one group's), ascending."""
    sub = members.subquery()
    query = select(distinct(sub.c.id))
    if group is not None:
        query = query.where(cast(sub.c.grp, String) == group)
    return sorted(session.scalars(query))



# -- the members of each figure: (grp, id[, amount]) for a scope ----------------------------

def in_area(scope: Scope) -> ColumnElement[bool]:
    """Codes starting with the prefix, as a range (digits only), so the index serves it."""
    prefix = scope.prefix
    if not prefix:
        return true()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(Clue.region_code >= prefix, Clue.region_code < upper)


_RECEIVED_BY = {"all": lambda: literal(ALL), "channel": lambda: Clue.channel,
                "category": lambda: func.coalesce(Clue.category, "unclassified"),
                "field": lambda: func.coalesce(Clue.field, "none"),
                "region": lambda: func.coalesce(Clue.region_code, "unknown")}


def clues_received(scope: Scope, by: str) -> Select:
    """Clues received in the month, by `all`, `channel`, `category` (`unclassified`), `field`
    (`none`) or `region` (`unknown`)."""
    return select(_RECEIVED_BY[by]().label("grp"), Clue.id.label("id")).where(
        Clue.received_at >= scope.start, Clue.received_at < scope.end, in_area(scope))


def subjects_of_clues_received(scope: Scope) -> Select:
    """One row per (subject unit resolved to the directory, clue received in the month)."""
    if scope.dialect == "postgresql":
        item = func.jsonb_array_elements(Clue.subjects).table_valued("value").alias("subject")
        body = item.c.value.op("->>")("body_id")
    else:
        item = func.json_each(Clue.subjects).table_valued("value").alias("subject")
        body = func.json_extract(item.c.value, "$.body_id")
    return (select(cast(body, String).label("grp"), Clue.id.label("id"))
            .select_from(Clue).join(item, true())
            .where(Clue.received_at >= scope.start, Clue.received_at < scope.end,
                   in_area(scope), body.is_not(None)))


def last_decisions(scope: Scope) -> Select:
    """Each clue's last decision made in the month, by its kind."""
    latest = (select(func.max(Decision.id)).where(Decision.decided_at >= scope.start,
                                                  Decision.decided_at < scope.end)
              .group_by(Decision.clue_id))
    return (select(Decision.kind.label("grp"), Decision.clue_id.label("id"))
            .join(Clue, Clue.id == Decision.clue_id)
            .where(Decision.id.in_(latest), in_area(scope)))


def _handoffs(scope: Scope, *where: ColumnElement[bool], grp: Any = None) -> Select:
    query = select((Handoff.kind if grp is None else grp).label("grp"),
                   Handoff.id.label("id")).where(*where)
    return _handoffs_in_area(scope, query)


def _handoffs_in_area(scope: Scope, query: Select) -> Select:
    """Hand-offs of the area's clues; the whole area needs no join (a million clues)."""
    if not scope.prefix:
        return query
    return query.join(Clue, Clue.id == Handoff.clue_id).where(in_area(scope))


def handoffs_sent(scope: Scope) -> Select:
    """Hand-offs sent in the month, by kind."""
    return _handoffs(scope, Handoff.sent_at >= scope.start, Handoff.sent_at < scope.end)


def handoffs_sent_acknowledged(session: Session, scope: Scope) -> list[Row]:
    """(kind, id, sent_at, acknowledged_at) of the month's hand-offs acknowledged."""
    return list(session.execute(handoffs_sent(scope).add_columns(
        Handoff.sent_at, Handoff.acknowledged_at).where(Handoff.acknowledged_at.is_not(None))))


def handoffs_final_replied(session: Session, scope: Scope) -> list[Row]:
    """(kind, id, replied_at, due_on) of the hand-offs with a deadline given their final reply
    in the month."""
    return list(session.execute(_handoffs(
        scope, Handoff.replied_at >= scope.start, Handoff.replied_at < scope.end,
        Handoff.due_on.is_not(None)).add_columns(Handoff.replied_at, Handoff.due_on)))


def _open_at_cutoff(scope: Scope) -> list[ColumnElement[bool]]:
    cutoff = scope.cutoff
    return [Handoff.sent_at < cutoff, Handoff.state != "cancelled",
            or_(Handoff.closed_at.is_(None), Handoff.closed_at >= cutoff)]


def handoffs_open(scope: Scope) -> Select:
    """Hand-offs sent, not closed nor cancelled at the month's cutoff, by kind."""
    return _handoffs(scope, *_open_at_cutoff(scope))


def handoffs_overdue(scope: Scope) -> Select:
    """Open hand-offs (not cc) past their deadline at the cutoff with no final reply, by kind;
    one returned by its receiver as not theirs waits for the office, not for them."""
    cutoff = scope.cutoff
    return _handoffs(scope, *_open_at_cutoff(scope), Handoff.kind != "cc",
                     Handoff.due_on < scope.cutoff_day,
                     or_(Handoff.state != "returned", Handoff.returned_by == "office"),
                     or_(Handoff.replied_at.is_(None), Handoff.replied_at >= cutoff))


def handoffs_returned(scope: Scope) -> Select:
    """Hand-offs returned in the month, by who returned them (`receiver`, `office`)."""
    grp = case((HandoffEvent.action == "send_back", "office"), else_="receiver")
    return _handoffs_in_area(scope, select(grp.label("grp"), Handoff.id.label("id"))
                             .join(HandoffEvent, HandoffEvent.handoff_id == Handoff.id)
                             .where(HandoffEvent.at >= scope.start, HandoffEvent.at < scope.end,
                                    HandoffEvent.action.in_(("return", "send_back"))))


def handoffs_closed(scope: Scope) -> Select:
    """Hand-offs closed in the month, by kind."""
    return _handoffs(scope, Handoff.closed_at >= scope.start, Handoff.closed_at < scope.end)


def handoffs_due(scope: Scope, closed: bool = False) -> Select:
    """Hand-offs (not cc, not cancelled) due in the month, by kind; `closed`: closed by the
    cutoff."""
    where = [Handoff.closed_at < scope.cutoff] if closed else []
    return _handoffs(scope, Handoff.kind != "cc", Handoff.state != "cancelled",
                     Handoff.due_on >= scope.first_day, Handoff.due_on <= scope.last_day, *where)


def handoffs_due_replied(session: Session, scope: Scope) -> list[Row]:
    """(kind, id, replied_at, due_on) of the hand-offs due in the month replied by the cutoff."""
    return list(session.execute(
        handoffs_due(scope).where(Handoff.replied_at < scope.cutoff)
        .add_columns(Handoff.replied_at, Handoff.due_on)))


def assigns_replied(scope: Scope, rectified: bool = False) -> Select:
    """Assignments given their final reply in the month; `rectified`: with the outcome
    rectified or resolved."""
    where = [exists().where(HandoffReply.handoff_id == Handoff.id, HandoffReply.final.is_(True),
                            HandoffReply.outcome.in_(RECTIFIED))] if rectified else []
    return _handoffs(scope, Handoff.kind == "assign", Handoff.replied_at >= scope.start,
                     Handoff.replied_at < scope.end, *where)


def outcomes_received(scope: Scope, outcome: str, amount: str = "persons") -> Select:
    """Replies received in the month with `outcome` (`*`: any), under the one group, with
    their `persons` or `amount_yuan` (only those that gave an amount) as the amount."""
    value = HandoffReply.amount_yuan if amount == "amount_yuan" else HandoffReply.persons
    query = _handoffs_in_area(scope, select(literal(ALL).label("grp"), Handoff.id.label("id"),
                                            value.label("amount"))
                              .join(HandoffReply, HandoffReply.handoff_id == Handoff.id)
                              .where(HandoffReply.received_at >= scope.start,
                                     HandoffReply.received_at < scope.end))
    if outcome != "*":
        query = query.where(HandoffReply.outcome == outcome)
    if amount == "amount_yuan":
        query = query.where(HandoffReply.amount_yuan.is_not(None))
    return query


def persons_in_outcomes(scope: Scope, by: str) -> Select:
    """One row per person named in an outcome received in the month (人次), traced to its
    hand-off, by `kind` or `kind:measure`. Replies that gave only a number have no rows."""
    grp = (HandoffReplyPerson.kind if by == "kind"
           else HandoffReplyPerson.kind + literal(":") + HandoffReplyPerson.measure)
    return _handoffs_in_area(scope, select(grp.label("grp"), Handoff.id.label("id"))
                             .join(HandoffReply, HandoffReply.handoff_id == Handoff.id)
                             .join(HandoffReplyPerson, HandoffReplyPerson.reply_id == HandoffReply.id)
                             .where(HandoffReply.received_at >= scope.start,
                                    HandoffReply.received_at < scope.end))


def cluster_members(scope: Scope, min_channels: int) -> Select:
    """The clues of the live clusters with a clue of the month, at least two clues and
    `min_channels` channels, by cluster."""
    live = and_(Cluster.id == ClueCluster.cluster_id, Cluster.merged_into_id.is_(None))
    this_month = (select(ClueCluster.cluster_id).join(Clue, Clue.id == ClueCluster.clue_id)
                  .where(Clue.received_at >= scope.start, Clue.received_at < scope.end,
                         in_area(scope)))
    qualifying = (select(ClueCluster.cluster_id).join(Cluster, live)
                  .join(Clue, Clue.id == ClueCluster.clue_id)
                  .where(in_area(scope), ClueCluster.cluster_id.in_(this_month))
                  .group_by(ClueCluster.cluster_id)
                  .having(func.count(func.distinct(Clue.channel)) >= min_channels,
                          func.count(Clue.id) >= 2))
    return (select(ClueCluster.cluster_id.label("grp"), ClueCluster.clue_id.label("id"))
            .join(Clue, Clue.id == ClueCluster.clue_id)
            .where(in_area(scope), ClueCluster.cluster_id.in_(qualifying)))


def _followups(scope: Scope, grp: Any, *where: ColumnElement[bool]) -> Select:
    query = select(grp.label("grp"), FollowUp.clue_id.label("id")).where(*where)
    if scope.prefix:
        query = query.join(Clue, Clue.id == FollowUp.clue_id).where(in_area(scope))
    return query


def followups_due(scope: Scope) -> Select:
    """Follow-ups (not cancelled) due in the month, by their finding at the cutoff
    (`pending` when none yet)."""
    pending = or_(FollowUp.done_at.is_(None), FollowUp.done_at >= scope.cutoff)
    grp = case((pending, "pending"), else_=func.coalesce(FollowUp.finding, "pending"))
    return _followups(scope, grp, FollowUp.state != "cancelled",
                      FollowUp.due_on >= scope.first_day, FollowUp.due_on <= scope.last_day)


def followups_done(scope: Scope, finding: str | None = None) -> Select:
    """Follow-ups done in the month (with `finding` only, when given), by finding."""
    where = [FollowUp.finding == finding] if finding else []
    return _followups(scope, FollowUp.finding, FollowUp.state == "done",
                      FollowUp.done_at >= scope.start, FollowUp.done_at < scope.end, *where)


def body_names(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Body.id, Body.name).where(Body.id.in_(ids)))
                .tuples().all())


def cluster_titles(session: Session, ids: list[int]) -> dict[int, str]:
    """A cluster's title: its lead clue's."""
    if not ids:
        return {}
    return dict(session.execute(select(Cluster.id, Clue.title)
                                .join(Clue, Clue.id == Cluster.lead_clue_id)
                                .where(Cluster.id.in_(ids))).tuples().all())
