"""Reviewers merge, split, detach and pick the lead; each is kept with who and when, and the
system respects it afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.correlate import service
from hub.correlate.models import Cluster
from hub.db.types import utcnow
from hub.errors import Conflict


def _two_clusters(add_clue, correlate) -> tuple[list[int], list[int]]:
    a = [add_clue("S05-1"), add_clue("S05-2"), add_clue("S05-3")]
    b = [add_clue("S07-1"), add_clue("S07-2")]
    correlate(a + b)
    return a, b


def _do(hub, operation, **kwargs):
    with hub.uow() as uow:
        result = operation(uow.session, now=utcnow(), **kwargs)
        uow.commit()
    return result


def _cluster(hub, clue_id):
    with hub.uow(write=False) as uow:
        return service.cluster_of_clue(uow.session, clue_id=clue_id)


def test_merge_moves_every_clue_and_records_who(hub, add_clue, correlate, events):
    a, b = _two_clusters(add_clue, correlate)
    source, target = _cluster(hub, b[0]), _cluster(hub, a[0])
    assert source != target

    merged = _do(hub, service.merge, cluster_id=source, into_cluster_id=target, actor="reviewer1")

    assert merged.members == sorted(a + b)
    assert {_cluster(hub, clue) for clue in a + b} == {target}
    with hub.uow(write=False) as uow:
        old = uow.session.get(Cluster, source)
        history = service.links(uow.session, cluster_id=source)
        moved = [link for link in service.links(uow.session, cluster_id=target)
                 if link["linked_by"] == "reviewer1"]
    assert (old.merged_into_id, old.members) == (target, 0)
    assert all(link["detached_by"] == "reviewer1" and link["detached_at"] for link in history)
    assert {link["clue_id"] for link in moved} == set(b)
    assert events(b[1])[-1][:2] == ("cluster_merged", "reviewer1")
    with pytest.raises(Conflict):
        _do(hub, service.merge, cluster_id=target, into_cluster_id=source, actor="reviewer1")


def test_detached_clue_is_not_put_back_by_the_system(hub, add_clue, correlate, events):
    a, _ = _two_clusters(add_clue, correlate)
    cluster_id = _cluster(hub, a[2])

    assert _do(hub, service.detach, clue_id=a[2], actor="reviewer1", reason="不是同一问题") \
        == cluster_id
    assert _cluster(hub, a[2]) is None
    assert events(a[2])[-1] == ("cluster_detached", "reviewer1",
                                {"cluster_id": cluster_id, "reason": "不是同一问题"})

    newcomer = add_clue("S05-4")  # links to the cluster and, by its text, to the detached clue
    correlate([newcomer])
    assert _cluster(hub, newcomer) == cluster_id
    assert _cluster(hub, a[2]) is None


def test_detaching_from_a_pair_dissolves_it(hub, add_clue, correlate, events):
    _, b = _two_clusters(add_clue, correlate)
    cluster_id = _do(hub, service.detach, clue_id=b[0], actor="reviewer1")
    assert _cluster(hub, b[1]) is None
    assert events(b[1])[-1][0] == "cluster_dissolved"
    with hub.uow(write=False) as uow:
        assert uow.session.get(Cluster, cluster_id).members == 0


def test_split_and_lead(hub, add_clue, correlate, events):
    a, _ = _two_clusters(add_clue, correlate)
    first = _cluster(hub, a[0])
    extra = add_clue("S05-4")
    correlate([extra])
    assert _cluster(hub, extra) == first

    split = _do(hub, service.split, clue_ids=[a[2], extra], actor="reviewer2")
    assert split.members == sorted([a[2], extra]) and split.lead_clue_id == min(a[2], extra)
    assert _cluster(hub, a[0]) == first and _cluster(hub, extra) == split.id
    assert events(extra)[-1][:2] == ("cluster_split", "reviewer2")

    led = _do(hub, service.set_lead, cluster_id=first, clue_id=a[1], actor="reviewer2")
    assert (led.lead_clue_id, led.lead_set_by) == (a[1], "reviewer2")
    later = add_clue("S05-1", reported_at="2024-05-01T08:00:00+08:00")  # earlier than all
    correlate([later])
    with hub.uow(write=False) as uow:
        cluster = uow.session.get(Cluster, _cluster(hub, later))
    assert cluster.lead_clue_id == a[1]  # the reviewer's pick stands
    with pytest.raises(Conflict):
        _do(hub, service.set_lead, cluster_id=first, clue_id=extra, actor="reviewer2")
    with pytest.raises(Conflict):
        _do(hub, service.split, clue_ids=[a[0]], actor="reviewer2")


def test_attach_moves_a_clue_into_a_cluster(hub, add_clue, correlate, events):
    a, b = _two_clusters(add_clue, correlate)
    alone = add_clue("S36-1")
    correlate([alone])
    target = _cluster(hub, a[0])
    view = _do(hub, service.attach, clue_id=alone, cluster_id=target, actor="reviewer1")
    assert alone in view.members
    assert events(alone)[-1] == ("cluster_attached", "reviewer1",
                                 {"cluster_id": target, "previous": None})
    with hub.uow(write=False) as uow:
        clusters = uow.session.scalars(select(Cluster).where(Cluster.members > 0)).all()
    assert sorted(c.members for c in clusters) == [2, 4]
