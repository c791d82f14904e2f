"""Reviewers' operations on clusters: merge, detach, split, attach, set the lead.

Each is recorded twice: in `cluster_links` (who linked or detached, when) and as a clue event.
Services never commit: the caller's unit of work does. Every operation takes the same lock as
the correlate stage (index.lock_linking), so a reviewer and a worker never interleave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.correlate import clusters, repository
from hub.correlate.explain import explain
from hub.correlate.index import lock_linking
from hub.db.guards import check_all_editable, check_editable
from hub.db.models import Clue
from hub.errors import Conflict, NotFound
from hub.intake.present import clue_no


@dataclass(frozen=True)
class ClusterView:
    id: int
    lead_clue_id: int
    lead_set_by: str
    members: list[int]
    channels: list[str]
    merged_into_id: int | None


def view(session: Session, *, cluster_id: int) -> ClusterView:
    cluster = _cluster(session, cluster_id)
    return ClusterView(cluster.id, cluster.lead_clue_id, cluster.lead_set_by,
                       clusters.members(session, cluster_id), list(cluster.channel_list or []),
                       cluster.merged_into_id)


def links(session: Session, *, cluster_id: int) -> list[dict[str, Any]]:
    """The cluster's links, detached ones included: who, when, score and why."""
    _cluster(session, cluster_id)
    return [{"clue_id": link.clue_id, "score": link.score, "reasons": link.reasons,
             "linked_by": link.linked_by, "created_at": link.created_at,
             "detached_at": link.detached_at, "detached_by": link.detached_by}
            for link in clusters.links(session, cluster_id)]


def cluster_of_clue(session: Session, *, clue_id: int) -> int | None:
    return clusters.cluster_of(session, [clue_id]).get(clue_id)


def merge(session: Session, *, cluster_id: int, into_cluster_id: int, actor: str,
          now: datetime) -> ClusterView:
    """Move every clue of `cluster_id` into `into_cluster_id`; the first is left empty and
    points at the second."""
    if cluster_id == into_cluster_id:
        raise Conflict("不能把线索组合并到它自己")
    lock_linking(session)
    _live(session, cluster_id)
    _live(session, into_cluster_id)
    events = []
    for clue_id in clusters.members(session, cluster_id):
        clusters.leave(session, clue_id, by=actor, now=now)
        clusters.join(session, into_cluster_id, clue_id, score=None,
                      reasons={"merged_from": cluster_id}, by=actor, now=now)
        events.append(clusters.event(clue_id, "cluster_merged", actor, now,
                                     cluster_id=into_cluster_id, merged_from=cluster_id))
    clusters.mark_merged(session, cluster_id, into_cluster_id, now)
    clusters.refresh(session, into_cluster_id, now)
    clusters.record(session, events)
    return view(session, cluster_id=into_cluster_id)


def detach(session: Session, *, clue_id: int, actor: str, now: datetime,
           reason: str | None = None) -> int:
    """Take a clue out of its cluster (the system will not put it back). A cluster left with
    one clue is dissolved. Returns the cluster the clue was in."""
    check_editable(session, clue_id, "调整线索组")
    lock_linking(session)
    cluster_id = cluster_of_clue(session, clue_id=clue_id)
    if cluster_id is None:
        raise Conflict("该线索不在任何线索组中")
    clusters.leave(session, clue_id, by=actor, now=now)
    events = [clusters.event(clue_id, "cluster_detached", actor, now, cluster_id=cluster_id,
                             reason=reason)]
    rest = clusters.members(session, cluster_id)
    if len(rest) == 1:
        clusters.leave(session, rest[0], by=actor, now=now)
        events.append(clusters.event(rest[0], "cluster_dissolved", actor, now,
                                     cluster_id=cluster_id, after_detaching=clue_id))
    clusters.refresh(session, cluster_id, now)
    clusters.record(session, events)
    return cluster_id


def split(session: Session, *, clue_ids: list[int], actor: str, now: datetime) -> ClusterView:
    """Move some clues of one cluster into a new cluster of their own."""
    check_all_editable(session, set(clue_ids), "调整线索组")
    lock_linking(session)
    ids = sorted(set(clue_ids))
    current = clusters.cluster_of(session, ids)
    sources = set(current.values())
    if len(ids) < 2 or len(current) != len(ids) or len(sources) != 1:
        raise Conflict("拆分需要同一线索组中的至少两条线索")
    source = sources.pop()
    if len(clusters.members(session, source)) - len(ids) < 1:
        raise Conflict("拆分后原线索组不能为空，请改用合并或移出")
    target = clusters.create(session, ids[0], now)
    events = []
    for clue_id in ids:
        clusters.leave(session, clue_id, by=actor, now=now)
        clusters.join(session, target, clue_id, score=None, reasons={"split_from": source},
                      by=actor, now=now)
        events.append(clusters.event(clue_id, "cluster_split", actor, now, cluster_id=target,
                                     split_from=source))
    for cluster_id in (source, target):
        clusters.refresh(session, cluster_id, now)
    clusters.record(session, events)
    return view(session, cluster_id=target)


def attach(session: Session, *, clue_id: int, cluster_id: int, actor: str,
           now: datetime) -> ClusterView:
    """Put a clue into a cluster (leaving the one it was in, if any)."""
    check_editable(session, clue_id, "调整线索组")
    lock_linking(session)
    _live(session, cluster_id)
    if not repository.clue_exists(session, clue_id):
        raise NotFound(f"线索 {clue_id} 不存在")
    previous = cluster_of_clue(session, clue_id=clue_id)
    if previous == cluster_id:
        return view(session, cluster_id=cluster_id)
    if previous is not None:
        detach(session, clue_id=clue_id, actor=actor, now=now, reason="attached_elsewhere")
    clusters.join(session, cluster_id, clue_id, score=None, reasons={"attached_from": previous},
                  by=actor, now=now)
    clusters.refresh(session, cluster_id, now)
    clusters.record(session, [clusters.event(clue_id, "cluster_attached", actor, now,
                                             cluster_id=cluster_id, previous=previous)])
    return view(session, cluster_id=cluster_id)


def set_lead(session: Session, *, cluster_id: int, clue_id: int, actor: str,
             now: datetime) -> ClusterView:
    lock_linking(session)
    _live(session, cluster_id)
    if clue_id not in clusters.members(session, cluster_id):
        raise Conflict("主线索必须是该线索组中的线索")
    clusters.set_lead(session, cluster_id, clue_id, by=actor, now=now)
    clusters.record(session, [clusters.event(clue_id, "cluster_lead_set", actor, now,
                                             cluster_id=cluster_id)])
    return view(session, cluster_id=cluster_id)


def _cluster(session: Session, cluster_id: int) -> clusters.Cluster:
    cluster = clusters.get(session, cluster_id)
    if cluster is None:
        raise NotFound(f"线索组 {cluster_id} 不存在")
    return cluster


def _live(session: Session, cluster_id: int) -> clusters.Cluster:
    cluster = _cluster(session, cluster_id)
    if cluster.merged_into_id is not None:
        raise Conflict(f"线索组 {cluster_id} 已并入线索组 {cluster.merged_into_id}")
    return cluster


def merge_clue(session: Session, *, clue_id: int, actor: str, now: datetime,
               into_cluster_id: int | None = None, into_clue_id: int | None = None) -> ClusterView:
    """Merge the cluster of `clue_id` into another one, named by its number or by one of its
    clues; a clue in no cluster joins it, and a target clue in no cluster opens one."""
    if (into_cluster_id is None) == (into_clue_id is None):
        raise Conflict("请填写要并入的线索组编号或线索编号（二者填一）")
    check_editable(session, clue_id, "调整线索组")
    lock_linking(session)
    if not repository.clue_exists(session, clue_id):
        raise NotFound(f"线索 {clue_id} 不存在")
    if into_clue_id is not None:
        into_cluster_id = _cluster_for(session, into_clue_id, actor, now)
    assert into_cluster_id is not None
    current = cluster_of_clue(session, clue_id=clue_id)
    if current == into_cluster_id:
        raise Conflict(f"该线索已在线索组 {into_cluster_id} 中")
    if current is None:
        return attach(session, clue_id=clue_id, cluster_id=into_cluster_id, actor=actor, now=now)
    return merge(session, cluster_id=current, into_cluster_id=into_cluster_id, actor=actor,
                 now=now)


def _cluster_for(session: Session, clue_id: int, actor: str, now: datetime) -> int:
    """The live cluster of a clue; a clue alone opens one of its own first."""
    if not repository.clue_exists(session, clue_id):
        raise NotFound(f"线索 {clue_id} 不存在")
    found = cluster_of_clue(session, clue_id=clue_id)
    if found is not None:
        return found
    found = clusters.create(session, clue_id, now)
    clusters.join(session, found, clue_id, score=None, reasons={"opened_by": actor}, by=actor,
                  now=now)
    clusters.refresh(session, found, now)
    return found


@dataclass(frozen=True)
class Member:
    """One clue of a cluster as the clue page shows it, with why it is there."""

    clue: Clue
    is_lead: bool
    link: dict[str, Any]


@dataclass(frozen=True)
class ClusterPanel:
    id: int
    lead_clue_id: int
    lead_set_by: str
    channels: list[str]
    members: list[Member]

    @property
    def multi_channel(self) -> bool:
        return len(self.channels) > 1


def panel(session: Session, *, clue_id: int, region_name: Any = None) -> ClusterPanel | None:
    """The cluster of a clue with every member and why it was linked; None for a clue alone."""
    cluster_id = cluster_of_clue(session, clue_id=clue_id)
    if cluster_id is None:
        return None
    cluster = _cluster(session, cluster_id)
    current = clusters.current_links(session, cluster_id)
    members = []
    for clue in clusters.member_clues(session, cluster_id):
        link = current.get(clue.id)
        shown = explain(link.reasons if link else None, link.score if link else None,
                        link.linked_by if link else "system", region_name)
        members.append(Member(clue, clue.id == cluster.lead_clue_id, shown))
    numbers = {m.clue.id: clue_no(m.clue.id, m.clue.received_at) for m in members}
    for member in members:
        member.link["linked_to_no"] = numbers.get(member.link["linked_to"])
    return ClusterPanel(cluster.id, cluster.lead_clue_id, cluster.lead_set_by,
                        list(cluster.channel_list or []), members)


def members_of(session: Session, clue_ids: list[int]) -> dict[int, int]:
    """clue id -> cluster id, for pages that show many clues."""
    return clusters.cluster_of(session, clue_ids)


def duplicates_of(session: Session, *, clue_id: int) -> list[int]:
    """The other clues of the cluster `clue_id` is the lead of; [] for a clue that leads none
    (the office settles a lead's duplicates with the lead's decision)."""
    cluster_id = cluster_of_clue(session, clue_id=clue_id)
    if cluster_id is None or _cluster(session, cluster_id).lead_clue_id != clue_id:
        return []
    return [m for m in clusters.members(session, cluster_id) if m != clue_id]


def leads_of(session: Session, clue_ids: list[int]) -> dict[int, int]:
    """clue id -> the lead clue of its cluster, for clues in a cluster they do not lead (the
    clue a duplicate is merged into, as the queue suggests it)."""
    out = {}
    found = clusters.cluster_of(session, clue_ids)
    leads = {cid: clusters.get(session, cid) for cid in set(found.values())}
    for clue_id, cluster_id in found.items():
        cluster = leads[cluster_id]
        if cluster is not None and cluster.lead_clue_id != clue_id:
            out[clue_id] = cluster.lead_clue_id
    return out
