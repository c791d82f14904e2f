"""A pull killed in the middle (SIGKILL, a real `hub connectors run` process), then resumed."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from connectors.registry import CONNECTORS
from hub.collect.config import configure
from hub.collect.runner import ORPHANED, run_connector
from tests.collect.collect_support import (
    Gate,
    clue_refs,
    dead_letters,
    expected,
    native_ids,
    raw_natives,
    runs,
    state,
    wait_for,
)
from tests.support.processes import HubProcesses

TOTAL, PAGE, PAGES_BEFORE_KILL = 400, 50, 3


def test_a_pull_killed_mid_run_resumes_with_nothing_missing_and_nothing_doubled(
        hub, settings, simulate, tmp_path: Path):
    spec = CONNECTORS["hotline"]
    gate = Gate(spec.simulator(seed=1, total=TOTAL, page_size=PAGE), open_for=PAGES_BEFORE_KILL)
    partner = simulate("hotline", app=gate)
    configure(hub, "hotline", url=partner.url, page_size=PAGE)
    env = HubProcesses(settings, tmp_path).env()
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "hub", "connectors", "run", "hotline"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(gate.holding.is_set, 60, "the runner to ask for the page after the third")
        # It reads one page ahead: the third commits while the fourth is being asked for.
        wait_for(lambda: runs(hub, "hotline")[-1].pages == PAGES_BEFORE_KILL, 30, "3 pages")
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
        gate.release()
    killed = state(hub, "hotline")
    assert killed.lease_owner is not None  # the dead process still "holds" the connector

    report = run_connector(hub, "hotline")  # takes the lease over at once: its holder is gone

    assert report.status == "ok"
    assert report.tally.seen == TOTAL - PAGES_BEFORE_KILL * PAGE  # resumed, not restarted
    first, second = runs(hub, "hotline")
    assert (first.status, first.error, first.pages) == ("failed", ORPHANED, PAGES_BEFORE_KILL)
    assert second.status == "ok"
    stream = spec.generate_records(1, TOTAL)
    want = expected(spec, stream)
    refs = clue_refs(hub, killed.agency_id)
    assert set(refs) == want.refs and max(refs.values()) == 1  # no clue missing, none doubled
    assert native_ids(spec, raw_natives(hub, "hotline")) == native_ids(spec, stream)
    assert len(dead_letters(hub, "hotline")) == want.open_dead_letters
    assert first.seen + second.seen == TOTAL
