"""A pull killed in the middle (SIGKILL, a real `hub connectors run` process), then resumed."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from connectors.registry import CONNECTORS
from hub.collect.config import configure
from hub.collect.jobs import Collector
from hub.collect.models import ConnectorState
from hub.collect.runner import ORPHANED, claim, run_connector
from hub.collect.service import connector_spec
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


def test_the_scheduler_resumes_at_once_a_run_whose_process_died(hub, simulate):
    """The active scheduler SIGKILLed in the middle of a pull leaves the lease to a dead
    process: the next leader's collector pulls again at once, not after LEASE_SECONDS."""
    partner = simulate("hotline", total=120, page_size=40)
    configure(hub, "hotline", url=partner.url, page_size=40, interval=3600, enabled=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    claim(hub, connector_spec("hotline"))  # a run under way ...
    with hub.uow() as uow:  # ... in a process on this host that has died since
        uow.session.get(ConnectorState, "hotline").lease_owner = (
            f"{socket.gethostname()}:{int(gone.stdout)}:deadbeef")
        uow.commit()
    collector = Collector(hub)

    assert collector.tick() == ["hotline"]
    wait_for(lambda: not collector.in_flight, 60, "the run to finish")

    first, second = runs(hub, "hotline")
    assert (first.status, first.error) == ("failed", ORPHANED)
    assert (second.status, second.seen) == ("ok", 120)
    assert state(hub, "hotline").lease_owner is None
