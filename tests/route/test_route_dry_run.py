"""A dry run shows what a changed rule set would propose for last month's clues, saving nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.db.types import utcnow
from hub.pipeline import tasks
from hub.pipeline.worker import Worker
from hub.route import service
from hub.route.dry_run import dry_run, last_month
from hub.route.messages import RuleSetError
from hub.route.stage import RouteStage

TRANSFER = "      action: transfer  # 转交\n      target: 十堰市市场监督管理局\n"


def candidate() -> str:
    """The default rules with consumer disputes declined instead of transferred."""
    assert TRANSFER in service.default_yaml()
    return service.default_yaml().replace(TRANSFER, "      action: decline\n")


def route(hub, clue_ids: list[int]) -> None:
    with hub.uow() as uow:
        ids = tasks.create(uow.session, "route", clue_ids, utcnow())
        uow.commit()
    Worker(hub, name="t").process(RouteStage(next_stage=None), ids)


def test_last_month_is_the_previous_calendar_month_in_shanghai():
    assert last_month(datetime(2026, 3, 15, 12, tzinfo=UTC)) == (
        datetime(2026, 1, 31, 16, tzinfo=UTC), datetime(2026, 2, 28, 16, tzinfo=UTC))
    assert last_month(datetime(2026, 1, 1, 1, tzinfo=UTC)) == (  # 09:00 on 1 January in Shanghai
        datetime(2025, 11, 30, 16, tzinfo=UTC), datetime(2025, 12, 31, 16, tzinfo=UTC))


def test_dry_run_compares_stored_and_candidate_proposals_and_writes_nothing(hub, add_clue,
                                                                            count_rows):
    since, until = last_month()
    inside = since + timedelta(hours=1)
    consumer = add_clue("consumer", received_at=inside)
    quota = add_clue("quota", received_at=inside)
    route(hub, [consumer, quota])
    fresh = add_clue("nothing", received_at=inside)  # not routed yet
    add_clue("consumer", received_at=until + timedelta(minutes=1))  # this month: left out
    before = count_rows()

    with hub.uow(write=False) as uow:
        report = dry_run(uow.session, candidate())

    assert count_rows() == before
    assert (report.since, report.until) == (since, until)
    rows = {row.clue_id: row for row in report.rows}
    assert set(rows) == {consumer, quota, fresh}
    assert rows[consumer].change == "changed"
    assert rows[consumer].current.label() == "转交 十堰市市场监督管理局（consumer-dispute-transfer）"
    assert rows[consumer].candidate.label() == "不予受理（consumer-dispute-transfer）"
    assert rows[consumer].candidate.version is None and rows[consumer].current.version == 1
    assert rows[quota].change == "same" and rows[fresh].change == "new"
    assert rows[fresh].candidate.label() == "没有规则匹配"
    assert rows[quota].why.startswith("建议受理（规则“罚款指标、乱罚款问题受理督察”，fine-quota-inspect，候选规则集）")

    summary = report.as_dict()
    assert (summary["total"], summary["changed"], summary["unchanged"], summary["not_routed"]) == (
        3, 1, 1, 1)
    per_rule = {r["rule_id"]: (r["current"], r["candidate"]) for r in summary["per_rule"]}
    assert per_rule == {"consumer-dispute-transfer": (1, 1), "fine-quota-inspect": (1, 1),
                        None: (0, 1)}


def test_a_bad_candidate_is_refused_before_any_clue_is_read(hub, count_rows):
    before = count_rows()
    with hub.uow(write=False) as uow, pytest.raises(RuleSetError, match="不予受理须写明理由"):
        dry_run(uow.session, "name: x\nrules:\n  - {id: a, name: 甲, when: {channel: [court]}, "
                             "then: {action: decline}}\n")
    assert count_rows() == before
