"""Clusters: membership, links with their reasons, the lead, the counts (the rules; the SQL
is in hub.correlate.cluster_repository)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.correlate import cluster_repository, repository
from hub.correlate.models import ClueCluster, Cluster, ClusterLink  # noqa: F401 (re-exported)
from hub.db.models import Clue

SYSTEM = "system"


def cluster_of(session: Session, clue_ids: Iterable[int]) -> dict[int, int]:
    """clue id -> the cluster it is in now (clues alone are absent)."""
    return cluster_repository.clusters_of(session, list(clue_ids))


def members(session: Session, cluster_id: int) -> list[int]:
    return cluster_repository.member_ids(session, cluster_id)


def detached_by_reviewers(session: Session, clue_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(clue, cluster) pairs a reviewer took apart: the system never puts them back."""
    return cluster_repository.detached_pairs(session, list(clue_ids), SYSTEM)


def create(session: Session, lead_clue_id: int, now: datetime) -> int:
    return create_many(session, [lead_clue_id], now)[0]


def create_many(session: Session, leads: list[int], now: datetime) -> list[int]:
    """New clusters led by these clues (one statement): their ids, in order."""
    return cluster_repository.add_clusters(session.connection(), [
        {"lead_clue_id": lead, "lead_set_by": SYSTEM, "members": 0, "channels": 0,
         "channel_list": [], "created_at": now, "updated_at": now} for lead in leads])


def join(session: Session, cluster_id: int, clue_id: int, *, score: float | None,
         reasons: dict[str, Any], by: str, now: datetime) -> None:
    """Put a clue (in no cluster now) into a cluster, with why and by whom."""
    join_many(session, [{"clue_id": clue_id, "cluster_id": cluster_id}],
              [{"cluster_id": cluster_id, "clue_id": clue_id, "score": score,
                "reasons": reasons, "linked_by": by, "created_at": now}])


def join_many(session: Session, memberships: list[dict[str, Any]],
              links: list[dict[str, Any]]) -> None:
    """`join` for many clues at once: rows of clue_clusters and of cluster_links, one
    statement each (the links keep their order, hence their ids)."""
    cluster_repository.add_memberships(session.connection(), memberships, links)


def leave(session: Session, clue_id: int, *, by: str, now: datetime) -> int | None:
    """Take a clue out of its cluster; its link is marked detached. Returns the cluster."""
    cluster_id = cluster_of(session, [clue_id]).get(clue_id)
    if cluster_id is None:
        return None
    cluster_repository.remove_membership(session, clue_id, cluster_id, by=by, now=now)
    return cluster_id


def refresh(session: Session, cluster_id: int, now: datetime) -> None:
    """Recount members and channels; the earliest clue leads unless a reviewer chose."""
    rows = cluster_repository.member_arrivals(session, cluster_id)
    cluster = cluster_repository.lead_of(session, cluster_id)
    ids = [row.id for row in rows]
    lead, lead_set_by = cluster.lead_clue_id, cluster.lead_set_by
    if ids and (lead_set_by == SYSTEM or lead not in ids):
        lead, lead_set_by = ids[0], SYSTEM  # a chosen lead that left hands back to the rule
    channels = sorted({row.channel for row in rows})
    cluster_repository.update_cluster(session, cluster_id, members=len(rows),
                                      channels=len(channels), channel_list=channels,
                                      lead_clue_id=lead, lead_set_by=lead_set_by, updated_at=now)


def grow(session: Session, cluster_id: int, added: list[tuple[int, str, datetime]],
         now: datetime) -> None:
    """Count clues (id, channel, reported at) that just joined: no read of every member, so
    that a flood of identical reports costs the same per clue however big the cluster."""
    grow_many(session, {cluster_id: added}, now)


def grow_many(session: Session, grown: dict[int, list[tuple[int, str, datetime]]],
              now: datetime) -> None:
    """`grow` for several clusters: one read of them all, one update statement (executemany).
    The lead is the earliest of the lead and all arrivals unless a reviewer chose it."""
    if not grown:
        return
    values = []
    for cluster in cluster_repository.leads_of(session, list(grown)):
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
    cluster_repository.grow_clusters(session.connection(), values)


def set_lead(session: Session, cluster_id: int, clue_id: int, *, by: str, now: datetime) -> None:
    cluster_repository.update_cluster(session, cluster_id, lead_clue_id=clue_id, lead_set_by=by,
                              updated_at=now)


def mark_merged(session: Session, cluster_id: int, into_id: int, now: datetime) -> None:
    cluster_repository.update_cluster(session, cluster_id, merged_into_id=into_id, members=0,
                              channels=0, channel_list=[], updated_at=now)


def get(session: Session, cluster_id: int) -> Cluster | None:
    return cluster_repository.cluster(session, cluster_id)


def links(session: Session, cluster_id: int) -> list[ClusterLink]:
    """Every link the cluster ever had, detached ones included, oldest first."""
    return cluster_repository.links_of(session, cluster_id)


def count(session: Session) -> int:
    return cluster_repository.count_clusters(session)


def record(session: Session, events: list[dict[str, Any]]) -> None:
    """Write clue events (history), one statement."""
    repository.add_events(session.connection(), events)


def event(clue_id: int, action: str, actor: str, now: datetime, **detail: Any) -> dict[str, Any]:
    return {"clue_id": clue_id, "at": now, "actor": actor, "action": action, "detail": detail}


def member_clues(session: Session, cluster_id: int) -> list[Clue]:
    """The clues in a cluster now, earliest reported first."""
    return cluster_repository.member_clues(session, cluster_id)


def current_links(session: Session, cluster_id: int) -> dict[int, ClusterLink]:
    """clue id -> the link that put it in the cluster (not detached)."""
    return {link.clue_id: link for link in cluster_repository.current_links(session, cluster_id)}
