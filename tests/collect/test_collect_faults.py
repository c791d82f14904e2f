"""A partner that fails: waited out when it says how long, never hammered when it keeps on."""

from __future__ import annotations

from datetime import timedelta

import httpx

from connectors.registry import CONNECTORS
from hub.collect.config import configure
from hub.collect.runner import run_connector
from hub.db.models import RawRecord
from hub.db.types import utcnow
from tests.collect.collect_support import cli, count, expected, runs, state


def test_503_and_429_with_retry_after_are_waited_out_and_the_run_succeeds(hub, simulate):
    partner = simulate("hotline", total=120, page_size=40)
    configure(hub, "hotline", url=partner.url, page_size=40)
    faults = f"{partner.url}/_faults"
    httpx.post(faults, json={"status": 503, "count": 2, "retry_after": 0.2})

    def after_page(report) -> None:  # noqa: ANN001
        if report.pages == 1:  # then, mid-run, the partner starts rate limiting
            httpx.post(faults, json={"status": 429, "count": 2, "retry_after": "0.2"})

    started = utcnow()
    report = run_connector(hub, "hotline", progress=after_page)

    assert report.status == "ok" and report.tally.seen == 120
    assert report.tally.new == expected(CONNECTORS["hotline"],
                                        CONNECTORS["hotline"].generate_records(1, 120)).new
    assert httpx.get(f"{partner.url}/_stats").json()["faults_served"] == 4
    assert utcnow() - started >= timedelta(seconds=0.8)  # it waited as it was told to
    assert state(hub, "hotline").health == "healthy"


def test_a_partner_that_keeps_failing_is_marked_unhealthy_and_polled_less(hub, simulate,
                                                                          settings):
    partner = simulate("court", total=80, page_size=40)
    configure(hub, "court", url=partner.url, page_size=40, interval=60, enabled=True)
    httpx.post(f"{partner.url}/_faults", json={"status": 503, "count": 10000,
                                               "retry_after": 0.01})
    delays = []
    for _ in range(3):
        before = utcnow()
        report = run_connector(hub, "court")
        assert report.status == "failed" and "暂不可用" in report.error
        delays.append((state(hub, "court").next_run_at - before).total_seconds())

    court = state(hub, "court")
    assert court.health == "unhealthy" and court.consecutive_failures == 3
    assert [round(d / 60) for d in delays] == [2, 4, 8]  # interval × 2^failures
    assert [r.status for r in runs(hub, "court")] == ["failed"] * 3
    assert all("HTTP 503" in r.error for r in runs(hub, "court"))
    assert court.cursor is None and count(hub, RawRecord) == 0  # nothing half-done
    listing = cli(settings, "connectors", "list").output
    assert "异常" in listing and "连续失败 3 次" in listing and "HTTP 503" in listing

    for _ in range(4):  # it never waits more than an hour
        run_connector(hub, "court")
    assert state(hub, "court").next_run_at - utcnow() <= timedelta(hours=1)

    httpx.post(f"{partner.url}/_faults", json={"count": 0})  # the partner is back
    report = run_connector(hub, "court")
    court = state(hub, "court")
    assert report.status == "ok" and report.tally.seen == 80
    assert (court.health, court.consecutive_failures) == ("healthy", 0)
    assert timedelta(seconds=50) < court.next_run_at - utcnow() <= timedelta(seconds=60)


def test_an_answer_that_is_not_the_protocol_fails_the_run_with_the_reason(hub, simulate):
    partner = simulate("petition", total=40)
    configure(hub, "petition", url=partner.url)
    httpx.post(f"{partner.url}/_faults", json={"status": 200, "count": 1,
                                               "body": "<html>系统维护中</html>"})
    report = run_connector(hub, "petition")
    assert report.status == "failed" and "不是有效的 JSON" in report.error
    assert runs(hub, "petition")[-1].error == report.error
    assert run_connector(hub, "petition").status == "ok"
