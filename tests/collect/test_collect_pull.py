"""Pulling each partner system over real HTTP into the review queue, page by page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from connectors.registry import CONNECTORS
from hub.collect.config import configure
from hub.collect.jobs import Collector
from hub.collect.runner import ConnectorBusy, claim, run_connector
from hub.collect.service import accept_records, connector_spec
from hub.db.models import Clue, RawRecord
from tests.collect.collect_support import (
    clue_refs,
    count,
    dead_letters,
    expected,
    native_ids,
    pending_review,
    raw_natives,
    runs,
    scalar,
    state,
    wait_for,
)

TOTAL, PAGE = 150, 40


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_a_full_pull_lands_every_clue_in_pending_review(name, hub, pipeline, simulate):
    spec = CONNECTORS[name]
    partner = simulate(name, total=TOTAL, page_size=PAGE)
    want = expected(spec, spec.generate_records(1, TOTAL))
    assert want.new and want.not_clue and want.dead_lettered  # the generator planted each
    configure(hub, name, url=partner.url, page_size=PAGE)

    pages_seen = []
    report = run_connector(hub, name, progress=lambda r: pages_seen.append(r.pages))

    assert report.status == "ok" and report.error is None
    assert pages_seen == [1, 2, 3, 4]  # 150 records in pages of 40; the 5th fetch is empty
    t = report.tally
    assert (t.seen, t.new, t.known, t.not_clue, t.dead_lettered) == (
        want.seen, want.new, want.known, want.not_clue, want.dead_lettered)
    run = runs(hub, name)[-1]
    assert (run.status, run.pages, run.seen, run.new, run.known, run.not_clue,
            run.dead_lettered) == ("ok", 4, TOTAL, want.new, want.known, want.not_clue,
                                   want.dead_lettered)
    agency_id = state(hub, name).agency_id
    assert set(clue_refs(hub, agency_id)) == want.refs
    assert max(clue_refs(hub, agency_id).values()) == 1
    assert len(dead_letters(hub, name)) == want.open_dead_letters
    assert all(d.reason and d.origin == "pull" for d in dead_letters(hub, name))
    assert count(hub, RawRecord, RawRecord.connector == name) == TOTAL
    wait_for(lambda: pending_review(hub, agency_id) == want.new, what="clues in pending_review")


def test_the_next_run_resumes_from_the_cursor_and_reads_only_what_was_added(hub, simulate):
    spec = connector_spec("petition")
    partner = simulate("petition", total=100, page_size=50)
    configure(hub, "petition", url=partner.url, page_size=50)
    first = run_connector(hub, "petition")
    cursor = state(hub, "petition").cursor
    assert first.tally.seen == 100 and cursor

    partner.grow(30)
    second = run_connector(hub, "petition")
    assert second.status == "ok" and second.tally.seen == 30 and second.pages == 1
    assert state(hub, "petition").cursor != cursor
    assert run_connector(hub, "petition").tally.seen == 0  # caught up: nothing read again

    stream = spec.generate_records(1, 130)
    assert native_ids(spec, raw_natives(hub, "petition")) == native_ids(spec, stream)


def test_max_pages_stops_early_and_the_rest_comes_next_time(hub, simulate):
    partner = simulate("court", total=120, page_size=30)
    configure(hub, "court", url=partner.url, page_size=30)
    assert run_connector(hub, "court", max_pages=2).tally.seen == 60
    assert run_connector(hub, "court").tally.seen == 60
    assert count(hub, RawRecord, RawRecord.connector == "court") == 120


def test_one_connector_is_never_run_twice_at_once(hub, simulate):
    partner = simulate("discipline", total=20)
    configure(hub, "discipline", url=partner.url)
    claim(hub, connector_spec("discipline"))  # a live run elsewhere holds the lease
    with pytest.raises(ConnectorBusy):
        run_connector(hub, "discipline")
    assert [r.status for r in runs(hub, "discipline")] == ["running"]


def test_the_scheduler_job_runs_each_due_connector_once(hub, simulate):
    for name in ("procuratorate", "admin_review"):
        partner = simulate(name, total=60, page_size=30)
        configure(hub, name, url=partner.url, page_size=30, interval=3600, enabled=True)
    configure(hub, "hotline", url="http://127.0.0.1:9", enabled=False)  # not enabled: left alone
    collector = Collector(hub)

    assert sorted(collector.tick()) == ["admin_review", "procuratorate"]
    wait_for(lambda: not collector.in_flight, what="runs to finish")
    assert collector.tick() == []  # not due again for an hour
    for name in ("procuratorate", "admin_review"):
        assert [(r.status, r.seen) for r in runs(hub, name)] == [("ok", 60)]
        assert state(hub, name).running_since is None
    assert runs(hub, "hotline") == []


def test_a_pulled_record_resolves_the_dead_letter_of_a_bad_copy_pushed_before(hub, simulate):
    spec = CONNECTORS["hotline"]
    partner = simulate("hotline", total=40, page_size=20)
    configure(hub, "hotline", url=partner.url, page_size=20)
    good = next(record for record, truth in spec.generate_records(1, 40, with_truth=True)
                if truth.outcome == "clue")
    agency_id = state(hub, "hotline").agency_id
    (pushed,) = accept_records(hub, spec, agency_id, "push", [{**good, "诉求内容": " "}])
    assert pushed.status == 422 and pushed.dead_letter_id

    assert run_connector(hub, "hotline").status == "ok"

    (dead,) = [d for d in dead_letters(hub, "hotline") if d.id == pushed.dead_letter_id]
    clue_id = scalar(hub, select(Clue.id).where(Clue.agency_id == agency_id,
                                                Clue.source_ref == good["工单编号"]))
    assert (dead.state, dead.clue_id) == ("resolved", clue_id)
