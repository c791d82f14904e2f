"""The correlate stage through the real worker: one problem from three channels becomes one
cluster with reasons; other problems of the same bureau and the same template elsewhere stay
apart."""

from __future__ import annotations

from sqlalchemy import func, select, update

from hub.correlate import service
from hub.correlate.models import ClueCluster, Cluster, ClusterLink, CorrelateProfile
from hub.db.models import Clue


def _cluster_members(hub) -> dict[int, set[int]]:
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(select(ClueCluster.cluster_id, ClueCluster.clue_id)).all()
    found: dict[int, set[int]] = {}
    for cluster_id, clue_id in rows:
        found.setdefault(cluster_id, set()).add(clue_id)
    return found


def test_one_problem_from_three_channels_is_one_cluster_and_the_others_stay_apart(
        hub, add_clue, correlate, events):
    hotline = add_clue("S01-1")  # 12345: 治超站 fines lorries on a quota
    petition = add_clue("S01-2")  # letter from the drivers, same problem
    discipline = add_clue("S01-3")  # discipline clue about the station head
    same_bureau = add_clue("S03-1")  # 郧西县交通运输局 too, a washed-out village road
    other_place = add_clue("S15-1")  # 12345 template about a manhole elsewhere
    template = add_clue("S14-1")  # the same template, 丹江口

    assert correlate([hotline, petition, discipline, same_bureau, other_place, template]) == 6

    assert list(_cluster_members(hub).values()) == [{hotline, petition, discipline}]
    with hub.uow(write=False) as uow:
        cluster = uow.session.scalars(select(Cluster)).one()
        statuses = set(uow.session.scalars(select(Clue.status)))
        indexed = uow.session.scalar(select(func.count()).select_from(CorrelateProfile))
    assert cluster.lead_clue_id == hotline  # the earliest
    assert (cluster.members, cluster.channels) == (3, 3)
    assert cluster.channel_list == ["discipline", "hotline", "petition"]
    assert statuses == {"pending_review"} and indexed == 6

    action, actor, detail = events(petition)[-1]
    assert (action, actor, detail["cluster_id"]) == ("correlated", "system", cluster.id)
    assert detail["linked_to"] == hotline
    assert detail["reasons"]["text"] > 0.2
    assert "place:观音镇" in detail["reasons"]["shared"]
    assert "region:420322" in detail["reasons"]["shared"]
    assert events(same_bureau)[-1][2]["cluster_id"] is None


def test_a_shared_case_number_links_later_stages_of_one_case(hub, add_clue, correlate):
    judgment = add_clue("S19-3")  # (2023)鄂0304行初31号, the judgment
    enforcement = add_clue("S19-1")  # (2024)鄂0304执215号 citing the judgment in its text
    correlate([judgment])
    correlate([enforcement])

    with hub.uow(write=False) as uow:
        link = uow.session.scalars(select(ClusterLink).where(
            ClusterLink.clue_id == enforcement)).one()
    assert "case_number:(2023)鄂0304行初31号" in link.reasons["shared"]
    assert link.linked_by == "system" and link.score >= 0.9
    with hub.uow(write=False) as uow:
        assert service.cluster_of_clue(uow.session, clue_id=judgment) == link.cluster_id


def test_a_new_clue_joins_the_existing_cluster_and_late_old_clues_take_the_lead(
        hub, add_clue, correlate):
    first = add_clue("S06-1")
    second = add_clue("S06-2")
    correlate([first, second])
    third = add_clue("S06-3")
    correlate([third])
    older = add_clue("S06-1", reported_at="2024-06-10T08:00:00+08:00", channel="mailbox")
    correlate([older])

    members = _cluster_members(hub)
    assert list(members.values()) == [{first, second, third, older}]
    with hub.uow(write=False) as uow:
        assert uow.session.scalars(select(Cluster.lead_clue_id)).one() == older


def test_clues_outside_the_window_are_not_linked(hub, add_clue, correlate):
    from hub.correlate.stage import CorrelateStage

    first = add_clue("S12-1")
    again = add_clue("S12-2", reported_at="2024-03-20T10:00:00+08:00")  # 65 days later
    correlate([first])
    correlate([again], stage=CorrelateStage(next_stage=None, window_days=30))
    assert _cluster_members(hub) == {}
    late = add_clue("S12-3")
    correlate([late])
    assert list(_cluster_members(hub).values()) == [{first, again, late}]


def test_a_clue_correlated_twice_is_indexed_and_linked_once(hub, add_clue, correlate):
    from hub.correlate.stage import CorrelateStage
    from hub.db.models import Task
    from hub.db.types import utcnow
    from hub.pipeline.worker import Worker

    first, second = add_clue("S13-1"), add_clue("S13-2")
    correlate([first, second])
    with hub.uow() as uow:  # replayed, as `hub tasks replay` does with finished work
        uow.session.execute(update(Task).values(state="pending", available_at=utcnow()))
        task_ids = list(uow.session.scalars(select(Task.id)))
        uow.commit()
    assert Worker(hub, name="again").process(CorrelateStage(next_stage=None), task_ids) == 2
    with hub.uow(write=False) as uow:
        profiles = uow.session.scalar(select(func.count()).select_from(CorrelateProfile))
        links = uow.session.scalar(select(func.count()).select_from(ClusterLink))
    assert (profiles, links) == (2, 2)


def test_the_next_stage_gets_the_clue(hub, add_clue, correlate):
    from hub.correlate.stage import CorrelateStage
    from hub.db.models import Task

    clue = add_clue("S02-1")
    correlate([clue], stage=CorrelateStage(next_stage="route"))
    with hub.uow(write=False) as uow:
        assert uow.session.scalar(select(Clue.status).where(Clue.id == clue)) == "correlated"
        assert uow.session.scalar(select(Task.state).where(Task.stage == "route")) == "pending"


def test_a_clue_correlation_keeps_failing_on_still_goes_to_review(hub, add_clue, events):
    from hub.correlate.stage import CorrelateStage
    from hub.db.models import Task
    from hub.db.types import utcnow
    from hub.pipeline import tasks
    from hub.pipeline.worker import Worker

    class Broken(CorrelateStage):
        def compute(self, item):
            raise ValueError("坏数据")

    clue = add_clue("S02-1")
    with hub.uow() as uow:
        task_ids = tasks.create(uow.session, "correlate", [clue], utcnow())
        uow.commit()
    worker = Worker(hub, name="broken")
    for _ in range(hub.settings.task_max_attempts):
        worker.process(Broken(next_stage="route"), task_ids)
        with hub.uow() as uow:  # skip the back-off wait
            uow.session.execute(update(Task).where(Task.stage == "correlate")
                                .values(available_at=utcnow()))
            uow.commit()
    with hub.uow(write=False) as uow:
        assert uow.session.scalar(select(Clue.status).where(Clue.id == clue)) == "correlated"
        assert uow.session.scalar(select(Task.state).where(Task.stage == "route")) == "pending"
    assert events(clue)[-1][:2] == ("correlate_failed", "system")


def test_a_flood_of_identical_clues_is_one_cluster_at_a_bounded_cost_per_clue(
        hub, add_clue, correlate, events):
    from hub.correlate import clusters, index, repository

    flood = [add_clue("S12-1", channel=("hotline", "mailbox")[n % 2]) for n in range(240)]
    for start in range(0, len(flood), 80):
        correlate(flood[start:start + 80])

    with hub.uow(write=False) as uow:
        cluster = uow.session.scalars(select(Cluster)).one()
        band_rows = list(repository.band_matches(
            uow.session.connection(), [k for k in _band_keys_of(uow.session, flood[0])],
            0, 10**6, index.PER_BAND, 1000))
    assert (cluster.members, cluster.channels, cluster.lead_clue_id) == (240, 2, flood[0])
    assert len(band_rows) == index.PER_BAND  # the latest of each band only, not all 240
    assert events(flood[-1])[-1][2]["candidates"] <= index.SCORED
    with hub.uow() as uow:  # the counts kept on the way equal a full recount
        clusters.refresh(uow.session, cluster.id, cluster.updated_at)
        recounted = uow.session.get(Cluster, cluster.id)
        assert (recounted.members, recounted.channels) == (240, 2)


def _band_keys_of(session, clue_id: int) -> list[int]:
    from hub.correlate.models import CorrelateBandKey

    return list(session.scalars(select(CorrelateBandKey.key)
                                .where(CorrelateBandKey.clue_id == clue_id)))
