"""Rule set versions in the database, and the route stage run by a real worker."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.db.models import Clue, ClueEvent, Task
from hub.db.types import utcnow
from hub.errors import NotFound
from hub.pipeline import tasks
from hub.pipeline.worker import Worker
from hub.route import service
from hub.route.messages import RuleSetError
from hub.route.stage import RouteStage

STRICTER = """
# 第 2 版：消费纠纷改为不予受理
name: 试行规则
rules:
  - id: consumer-decline
    name: 消费纠纷不予受理
    when: {channel: [hotline], category: [other]}
    then: {action: decline, reason: 不属于督察范围}
"""


def route(hub, clue_ids: list[int]) -> int:
    with hub.uow() as uow:
        ids = tasks.create(uow.session, "route", clue_ids, utcnow())
        uow.commit()
    return Worker(hub, name="t").process(RouteStage(next_stage=None), ids)


def test_first_use_saves_the_default_as_version_1_and_new_versions_take_over(hub):
    with hub.uow() as uow:
        active = service.get_active(uow.session)
        uow.commit()
    assert active.version == 1 and active.created_by == "system"
    assert active.yaml == service.default_yaml()

    with hub.uow() as uow:
        assert service.save_version(uow.session, STRICTER, by="张科员", comment="试行") == 2
        uow.commit()
    with hub.uow(write=False) as uow:
        active = service.get_active(uow.session)
        versions = service.list_versions(uow.session)
    assert active.version == 2 and active.rule_set.rules[0].id == "consumer-decline"
    assert active.yaml == STRICTER  # kept as written, comments and all
    assert [(v.version, v.active, v.created_by, v.rule_count) for v in versions] == [
        (2, True, "张科员", 1), (1, False, "system", 11)]

    with hub.uow() as uow:
        service.activate(uow.session, 1, by="李科长")
        uow.commit()
    with hub.uow(write=False) as uow:
        assert service.get_active(uow.session).version == 1
        with pytest.raises(NotFound, match="没有规则集第 9 版"):
            service.activate(uow.session, 9, by="李科长")


def test_a_bad_file_is_refused_and_saves_nothing(hub, count_rows):
    with hub.uow() as uow, pytest.raises(RuleSetError, match="规则“a”（第 1 条）的 then"):
        service.save_version(uow.session, "name: x\nrules:\n  - {id: a, name: 甲, when: "
                             "{channel: [court]}, then: {action: refer}}\n", by="t")
    assert count_rows()["rule_sets"] == 0


def test_the_stage_writes_proposals_events_and_puts_clues_in_the_queue(hub, add_clue):
    consumer, judgment, nothing = add_clue("consumer"), add_clue("judgment"), add_clue("nothing")

    assert route(hub, [consumer, judgment, nothing]) == 3

    with hub.uow(write=False) as uow:
        views = {clue_id: service.proposal_for(uow.session, clue_id)
                 for clue_id in (consumer, judgment, nothing)}
        events = uow.session.execute(select(ClueEvent.clue_id, ClueEvent.action, ClueEvent.detail)
                                     .order_by(ClueEvent.clue_id)).all()
        statuses = set(uow.session.scalars(select(Clue.status)))
    assert (views[consumer].rule_id, views[consumer].action, views[consumer].target,
            views[consumer].rule_set_version) == (
        "consumer-dispute-transfer", "transfer", "十堰市市场监督管理局", 1)
    assert views[judgment].target == "郧西县人民政府" and views[judgment].action_label == "交办"
    assert [m["text"] for m in views[judgment].matched] == ["渠道为“法院”", "问题类别为“履行生效裁判”"]
    assert views[nothing].rule_id is None and views[nothing].reason == "没有规则匹配"
    assert views[nothing].matched == [] and views[nothing].rule_set_version == 1
    assert [(e.clue_id, e.action) for e in events] == [
        (consumer, "routed"), (judgment, "routed"), (nothing, "routed")]
    assert events[1].detail["summary"].startswith("建议交办 郧西县人民政府（规则“行政机关不履行生效裁判交办")
    assert events[2].detail["reason"] == "没有规则匹配"
    assert statuses == {"pending_review"}


def test_saving_a_version_never_changes_past_proposals(hub, add_clue):
    first = add_clue("consumer")
    route(hub, [first])
    with hub.uow() as uow:
        service.save_version(uow.session, STRICTER, by="张科员")
        uow.commit()
    second = add_clue("consumer")
    route(hub, [second])

    with hub.uow(write=False) as uow:
        before, after = (service.proposal_for(uow.session, c) for c in (first, second))
    assert (before.rule_set_version, before.rule_id, before.action) == (
        1, "consumer-dispute-transfer", "transfer")
    assert (after.rule_set_version, after.rule_id, after.action) == (2, "consumer-decline", "decline")
    assert before.clue_no.startswith("XS-") and after.reason == "不属于督察范围"


def test_routing_again_replaces_the_proposal_and_keeps_both_in_the_history(hub, add_clue):
    clue = add_clue("consumer")
    route(hub, [clue])
    with hub.uow() as uow:
        service.save_version(uow.session, STRICTER, by="张科员")
        uow.session.execute(Task.__table__.delete())  # a fresh route task for the clue
        uow.commit()
    route(hub, [clue])

    with hub.uow(write=False) as uow:
        view = service.proposal_for(uow.session, clue)
        history = list(uow.session.scalars(select(ClueEvent.detail).order_by(ClueEvent.id)))
    assert (view.rule_set_version, view.rule_id) == (2, "consumer-decline")
    assert [(d["rule_set_version"], d["rule_id"]) for d in history] == [
        (1, "consumer-dispute-transfer"), (2, "consumer-decline")]


def test_normalize_hands_on_to_route_when_wired_before_it(hub, add_clue):
    from hub.normalize.stage import NormalizeStage

    clue = add_clue("consumer", category=None, status="received")
    with hub.uow() as uow:
        ids = tasks.create(uow.session, "normalize", [clue], utcnow())
        uow.commit()
    worker = Worker(hub, name="t")
    assert worker.process(NormalizeStage(next_stage="route"), ids) == 1
    with hub.uow(write=False) as uow:
        route_tasks = list(uow.session.scalars(select(Task.id).where(Task.stage == "route")))
        assert uow.session.get(Clue, clue).status == "normalized"
    assert worker.process(RouteStage(next_stage=None), route_tasks) == 1
    with hub.uow(write=False) as uow:
        assert uow.session.get(Clue, clue).status == "pending_review"
        assert service.proposal_for(uow.session, clue).action == "transfer"


def test_an_unusable_active_rule_set_fails_each_clue_visibly(hub, add_clue):
    from hub.route.models import RuleSetVersion

    with hub.uow() as uow:  # e.g. saved by an older release that accepted something now refused
        uow.session.add(RuleSetVersion(version=1, created_by="t", yaml="name: x\n", active=True))
        uow.commit()
    clue = add_clue("consumer")
    assert route(hub, [clue]) == 0
    with hub.uow(write=False) as uow:
        task = uow.session.scalars(select(Task).where(Task.ref_id == clue)).one()
    assert task.state == "pending" and "规则集的 rules（规则）：必须填写" in task.last_error
