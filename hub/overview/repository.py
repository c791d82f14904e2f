"""The overview's own SQL: clues received per day, hand-offs closed and due per week,
clusters that grew. The figures that have a list of their own are counted by the domain
that owns the list (hub.review, hub.handoffs, hub.notify), so a figure and its list agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.correlate.models import ClueCluster, Cluster, ClusterLink
from hub.db.models import Clue
from hub.handoffs.models import Handoff


def _local_day(session: Session, column):  # noqa: ANN001, ANN202
    """A UTC timestamp column as its Beijing calendar day, 'YYYY-MM-DD'."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+8 hours")


def clues_per_day(session: Session, since: datetime) -> list[tuple[str, str, int]]:
    """(Beijing day, channel, clues received) since `since`."""
    day = _local_day(session, Clue.received_at).label("day")
    rows = session.execute(select(day, Clue.channel, func.count())
                           .where(Clue.received_at >= since)
                           .group_by(day, Clue.channel))
    return [(str(d), channel, int(n)) for d, channel, n in rows]


def closed_per_day(session: Session, since: datetime) -> list[tuple[str, int]]:
    """(Beijing day, hand-offs closed (销号) that day) since `since`."""
    day = _local_day(session, Handoff.closed_at).label("day")
    rows = session.execute(select(day, func.count()).where(
        Handoff.closed_at >= since, Handoff.state == "closed").group_by(day))
    return [(str(d), int(n)) for d, n in rows]


def completion_deadlines(session: Session, first: date,
                         last: date) -> list[tuple[date, datetime | None]]:
    """(completion deadline, closed at) of the hand-offs due between these days, cancelled
    ones apart: whether each was closed by its deadline."""
    return [(due, closed) for due, closed in session.execute(
        select(Handoff.due_on, Handoff.closed_at).where(
            Handoff.due_on >= first, Handoff.due_on <= last, Handoff.state != "cancelled",
            Handoff.kind != "cc"))]


@dataclass(frozen=True)
class GrownCluster:
    cluster_id: int
    lead_clue_id: int
    lead_received_at: datetime
    lead_title: str
    members: int  # clues in it now
    joined: int  # of which joined since the week began


def grown_clusters(session: Session, since: datetime, limit: int = 50) -> list[GrownCluster]:
    """Clusters of two or more clues that a clue joined since `since` (and is still in),
    most newcomers first."""
    joined = (select(ClueCluster.cluster_id, func.count(func.distinct(ClueCluster.clue_id))
                     .label("joined"))
              .join(ClusterLink, (ClusterLink.cluster_id == ClueCluster.cluster_id)
                    & (ClusterLink.clue_id == ClueCluster.clue_id))
              .where(ClusterLink.detached_at.is_(None), ClusterLink.created_at >= since)
              .group_by(ClueCluster.cluster_id).subquery())
    size = (select(ClueCluster.cluster_id, func.count().label("members"))
            .where(ClueCluster.cluster_id.in_(select(joined.c.cluster_id)))
            .group_by(ClueCluster.cluster_id).subquery())
    rows = session.execute(
        select(Cluster.id, Cluster.lead_clue_id, Clue.received_at, Clue.title, size.c.members,
               joined.c.joined)
        .join(joined, joined.c.cluster_id == Cluster.id)
        .join(size, size.c.cluster_id == Cluster.id)
        .join(Clue, Clue.id == Cluster.lead_clue_id)
        .where(Cluster.merged_into_id.is_(None), size.c.members > 1)
        .order_by(joined.c.joined.desc(), size.c.members.desc(), Cluster.id.desc())
        .limit(limit))
    return [GrownCluster(*row) for row in rows]
