"""All SQL of clusters: membership, links with their reasons, the lead, the counts (the
rules are in hub.correlate.clusters; the index's SQL in hub.correlate.repository)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from hub.correlate import queries
from hub.correlate.models import ClueCluster, Cluster, ClusterLink
from hub.db.bulk import insert_rows
from hub.db.models import Clue

_CLUSTERS = Cluster.__table__
_GROW = (update(_CLUSTERS).where(_CLUSTERS.c.id == bindparam("b_id")).values(
    members=_CLUSTERS.c.members + bindparam("b_added"), channels=bindparam("b_channels"),
    channel_list=bindparam("b_channel_list"), lead_clue_id=bindparam("b_lead"),
    updated_at=bindparam("b_now")))  # Core, not ORM: an executemany by cluster id


def clusters_of(session: Session, clue_ids: Sequence[int]) -> dict[int, int]:
    """clue id -> the cluster it is in now (clues alone are absent)."""
    if not clue_ids:
        return {}
    rows = session.execute(select(ClueCluster.clue_id, ClueCluster.cluster_id)
                           .where(ClueCluster.clue_id.in_(list(clue_ids))))
    return dict(rows.tuples().all())


def member_ids(session: Session, cluster_id: int) -> list[int]:
    rows = session.execute(select(ClueCluster.clue_id).where(ClueCluster.cluster_id == cluster_id)
                           .order_by(ClueCluster.clue_id))
    return list(rows.scalars())


def detached_pairs(session: Session, clue_ids: Sequence[int],
                   system: str) -> set[tuple[int, int]]:
    """(clue, cluster) pairs someone other than `system` took apart."""
    if not clue_ids:
        return set()
    rows = session.execute(select(ClusterLink.clue_id, ClusterLink.cluster_id).where(
        ClusterLink.clue_id.in_(list(clue_ids)), ClusterLink.detached_by.is_not(None),
        ClusterLink.detached_by != system))
    return set(rows.tuples().all())


def add_clusters(connection: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert cluster rows (one statement): their ids, in order."""
    if not rows:
        return []
    result = connection.execute(
        insert(_CLUSTERS).returning(_CLUSTERS.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def add_memberships(connection: Connection, memberships: list[dict[str, Any]],
                    links: list[dict[str, Any]]) -> None:
    """Rows of clue_clusters and of cluster_links, one statement each (the links keep their
    order, hence their ids)."""
    insert_rows(connection, ClueCluster.__table__, memberships)
    insert_rows(connection, ClusterLink.__table__, links)


def remove_membership(session: Session, clue_id: int, cluster_id: int, *, by: str,
                      now: datetime) -> None:
    """Take a clue out of its cluster and mark its current link detached."""
    session.execute(delete(ClueCluster).where(ClueCluster.clue_id == clue_id))
    session.execute(update(ClusterLink).where(
        ClusterLink.cluster_id == cluster_id, ClusterLink.clue_id == clue_id,
        ClusterLink.detached_at.is_(None)).values(detached_at=now, detached_by=by))


def member_arrivals(session: Session, cluster_id: int) -> list[Any]:
    """(id, channel, reported_at) of a cluster's clues, earliest reported first."""
    return list(session.execute(
        select(Clue.id, Clue.channel, Clue.reported_at)
        .join(ClueCluster, ClueCluster.clue_id == Clue.id)
        .where(ClueCluster.cluster_id == cluster_id)
        .order_by(Clue.reported_at, Clue.id)).all())


def lead_of(session: Session, cluster_id: int) -> Any:
    """(lead_clue_id, lead_set_by) of a cluster."""
    return session.execute(select(Cluster.lead_clue_id, Cluster.lead_set_by)
                           .where(Cluster.id == cluster_id)).one()


def update_cluster(session: Session, cluster_id: int, **values: Any) -> None:
    session.execute(update(Cluster).where(Cluster.id == cluster_id).values(**values))


def leads_of(session: Session, cluster_ids: Sequence[int]) -> Iterable[Any]:
    """(id, lead_clue_id, lead_set_by, channel_list, lead_at) of these clusters."""
    return session.execute(
        select(Cluster.id, Cluster.lead_clue_id, Cluster.lead_set_by, Cluster.channel_list,
               Clue.reported_at.label("lead_at"))
        .join(Clue, Clue.id == Cluster.lead_clue_id).where(Cluster.id.in_(list(cluster_ids))))


def grow_clusters(connection: Connection, values: list[dict[str, Any]]) -> None:
    """Add to clusters' counts (b_id, b_added, b_channels, b_channel_list, b_lead, b_now):
    one statement on PostgreSQL (queries.GROW_PG), an executemany by id elsewhere."""
    if values and connection.dialect.name == "postgresql":
        connection.exec_driver_sql(queries.GROW_PG, (orjson.dumps(values).decode(),))
    elif values:
        connection.execute(_GROW, values)


def cluster(session: Session, cluster_id: int) -> Cluster | None:
    return session.get(Cluster, cluster_id)


def links_of(session: Session, cluster_id: int) -> list[ClusterLink]:
    """Every link the cluster ever had, detached ones included, oldest first."""
    return list(session.execute(select(ClusterLink).where(ClusterLink.cluster_id == cluster_id)
                                .order_by(ClusterLink.id)).scalars())


def current_links(session: Session, cluster_id: int) -> list[ClusterLink]:
    """The links not detached, oldest first."""
    return list(session.scalars(select(ClusterLink).where(
        ClusterLink.cluster_id == cluster_id, ClusterLink.detached_at.is_(None))
        .order_by(ClusterLink.id)))


def count_clusters(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Cluster)
                           .where(Cluster.members > 0)).scalar_one()


def member_clues(session: Session, cluster_id: int) -> list[Clue]:
    """The clues in a cluster now, earliest reported first."""
    return list(session.scalars(
        select(Clue).join(ClueCluster, ClueCluster.clue_id == Clue.id)
        .where(ClueCluster.cluster_id == cluster_id).order_by(Clue.reported_at, Clue.id)))
