"""SQL over clusters: membership, links with their reasons, the lead, the counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from hub.correlate.models import ClueCluster, Cluster, ClusterLink  # noqa: F401 (re-exported)
from hub.db.models import Clue, ClueEvent

SYSTEM = "system"


def cluster_of(session: Session, clue_ids: Iterable[int]) -> dict[int, int]:
    """clue id -> the cluster it is in now (clues alone are absent)."""
    ids = list(clue_ids)
    if not ids:
        return {}
    rows = session.execute(select(ClueCluster.clue_id, ClueCluster.cluster_id)
                           .where(ClueCluster.clue_id.in_(ids)))
    return dict(rows.tuples().all())


def members(session: Session, cluster_id: int) -> list[int]:
    rows = session.execute(select(ClueCluster.clue_id).where(ClueCluster.cluster_id == cluster_id)
                           .order_by(ClueCluster.clue_id))
    return list(rows.scalars())


def detached_by_reviewers(session: Session, clue_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(clue, cluster) pairs a reviewer took apart: the system never puts them back."""
    ids = list(clue_ids)
    if not ids:
        return set()
    rows = session.execute(select(ClusterLink.clue_id, ClusterLink.cluster_id).where(
        ClusterLink.clue_id.in_(ids), ClusterLink.detached_by.is_not(None),
        ClusterLink.detached_by != SYSTEM))
    return set(rows.tuples().all())


def create(session: Session, lead_clue_id: int, now: datetime) -> int:
    return session.execute(insert(Cluster).values(
        lead_clue_id=lead_clue_id, lead_set_by=SYSTEM, members=0, channels=0, channel_list=[],
        created_at=now, updated_at=now).returning(Cluster.id)).scalar_one()


def create_many(session: Session, leads: list[int], now: datetime) -> list[int]:
    """`create` for several clusters at once (one statement): their ids, in order."""
    if not leads:
        return []
    rows = [{"lead_clue_id": lead, "lead_set_by": SYSTEM, "members": 0, "channels": 0,
             "channel_list": [], "created_at": now, "updated_at": now} for lead in leads]
    result = session.connection().execute(
        insert(_CLUSTERS).returning(_CLUSTERS.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def join(session: Session, cluster_id: int, clue_id: int, *, score: float | None,
         reasons: dict[str, Any], by: str, now: datetime) -> None:
    """Put a clue (in no cluster now) into a cluster, with why and by whom."""
    session.execute(insert(ClueCluster).values(clue_id=clue_id, cluster_id=cluster_id))
    session.execute(insert(ClusterLink).values(
        cluster_id=cluster_id, clue_id=clue_id, score=score, reasons=reasons, linked_by=by,
        created_at=now))


def join_many(session: Session, memberships: list[dict[str, Any]],
              links: list[dict[str, Any]]) -> None:
    """`join` for many clues at once: rows of clue_clusters and of cluster_links, one
    statement each (the links keep their order, hence their ids)."""
    connection = session.connection()
    if memberships:
        connection.execute(insert(ClueCluster.__table__), memberships)
    if links:
        connection.execute(insert(ClusterLink.__table__), links)


def leave(session: Session, clue_id: int, *, by: str, now: datetime) -> int | None:
    """Take a clue out of its cluster; its link is marked detached. Returns the cluster."""
    cluster_id = cluster_of(session, [clue_id]).get(clue_id)
    if cluster_id is None:
        return None
    session.execute(delete(ClueCluster).where(ClueCluster.clue_id == clue_id))
    session.execute(update(ClusterLink).where(
        ClusterLink.cluster_id == cluster_id, ClusterLink.clue_id == clue_id,
        ClusterLink.detached_at.is_(None)).values(detached_at=now, detached_by=by))
    return cluster_id


def refresh(session: Session, cluster_id: int, now: datetime) -> None:
    """Recount members and channels; the earliest clue leads unless a reviewer chose."""
    rows = session.execute(
        select(Clue.id, Clue.channel, Clue.reported_at)
        .join(ClueCluster, ClueCluster.clue_id == Clue.id)
        .where(ClueCluster.cluster_id == cluster_id)
        .order_by(Clue.reported_at, Clue.id)).all()
    cluster = session.execute(select(Cluster.lead_clue_id, Cluster.lead_set_by)
                              .where(Cluster.id == cluster_id)).one()
    ids = [row.id for row in rows]
    lead, lead_set_by = cluster.lead_clue_id, cluster.lead_set_by
    if ids and (lead_set_by == SYSTEM or lead not in ids):
        lead, lead_set_by = ids[0], SYSTEM  # a chosen lead that left hands back to the rule
    channels = sorted({row.channel for row in rows})
    values = {"members": len(rows), "channels": len(channels), "channel_list": channels,
              "lead_clue_id": lead, "lead_set_by": lead_set_by, "updated_at": now}
    session.execute(update(Cluster).where(Cluster.id == cluster_id).values(**values))


def grow(session: Session, cluster_id: int, added: list[tuple[int, str, datetime]],
         now: datetime) -> None:
    """Count clues (id, channel, reported at) that just joined: no read of every member, so
    that a flood of identical reports costs the same per clue however big the cluster."""
    grow_many(session, {cluster_id: added}, now)


_CLUSTERS = Cluster.__table__
_GROW = (update(_CLUSTERS).where(_CLUSTERS.c.id == bindparam("b_id")).values(
    members=_CLUSTERS.c.members + bindparam("b_added"), channels=bindparam("b_channels"),
    channel_list=bindparam("b_channel_list"), lead_clue_id=bindparam("b_lead"),
    updated_at=bindparam("b_now")))  # Core, not ORM: an executemany by cluster id


def grow_many(session: Session, grown: dict[int, list[tuple[int, str, datetime]]],
              now: datetime) -> None:
    """`grow` for several clusters: one read of them all, one update statement (executemany).
    The lead is the earliest of the lead and all arrivals unless a reviewer chose it."""
    if not grown:
        return
    rows = session.execute(
        select(Cluster.id, Cluster.lead_clue_id, Cluster.lead_set_by, Cluster.channel_list,
               Clue.reported_at.label("lead_at"))
        .join(Clue, Clue.id == Cluster.lead_clue_id).where(Cluster.id.in_(list(grown))))
    values = []
    for cluster in rows:
        added = grown[cluster.id]
        lead = cluster.lead_clue_id
        if cluster.lead_set_by == SYSTEM:
            lead_at = cluster.lead_at
            for clue_id, _, reported_at in added:
                if (reported_at, clue_id) < (lead_at, lead):
                    lead, lead_at = clue_id, reported_at
        channels = sorted(set(cluster.channel_list or []) | {channel for _, channel, _ in added})
        values.append({"b_id": cluster.id, "b_added": len(added), "b_channels": len(channels),
                       "b_channel_list": channels, "b_lead": lead, "b_now": now})
    session.connection().execute(_GROW, values)


def set_lead(session: Session, cluster_id: int, clue_id: int, *, by: str, now: datetime) -> None:
    session.execute(update(Cluster).where(Cluster.id == cluster_id).values(
        lead_clue_id=clue_id, lead_set_by=by, updated_at=now))


def mark_merged(session: Session, cluster_id: int, into_id: int, now: datetime) -> None:
    session.execute(update(Cluster).where(Cluster.id == cluster_id).values(
        merged_into_id=into_id, members=0, channels=0, channel_list=[], updated_at=now))


def get(session: Session, cluster_id: int) -> Cluster | None:
    return session.get(Cluster, cluster_id)


def links(session: Session, cluster_id: int) -> list[ClusterLink]:
    """Every link the cluster ever had, detached ones included, oldest first."""
    return list(session.execute(select(ClusterLink).where(ClusterLink.cluster_id == cluster_id)
                                .order_by(ClusterLink.id)).scalars())


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Cluster)
                           .where(Cluster.members > 0)).scalar_one()


def record(session: Session, events: list[dict[str, Any]]) -> None:
    """Write clue events (history), one statement."""
    if events:
        session.connection().execute(insert(ClueEvent.__table__), events)


def event(clue_id: int, action: str, actor: str, now: datetime, **detail: Any) -> dict[str, Any]:
    return {"clue_id": clue_id, "at": now, "actor": actor, "action": action, "detail": detail}


def member_clues(session: Session, cluster_id: int) -> list[Clue]:
    """The clues in a cluster now, earliest reported first."""
    return list(session.scalars(
        select(Clue).join(ClueCluster, ClueCluster.clue_id == Clue.id)
        .where(ClueCluster.cluster_id == cluster_id).order_by(Clue.reported_at, Clue.id)))


def current_links(session: Session, cluster_id: int) -> dict[int, ClusterLink]:
    """clue id -> the link that put it in the cluster (not detached)."""
    rows = session.scalars(select(ClusterLink).where(
        ClusterLink.cluster_id == cluster_id, ClusterLink.detached_at.is_(None))
        .order_by(ClusterLink.id))
    return {link.clue_id: link for link in rows}
