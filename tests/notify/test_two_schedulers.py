"""Two `hub scheduler` processes on one database: each reminder goes out exactly once, also
when the leader dies and the other takes over (leader lock AND an idempotent job)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub.agencies.service import add_agency
from hub.handoffs.models import HandoffEvent
from hub.notify.models import Reminder
from tests.notify.support import make_handoff

pytestmark = pytest.mark.slow
HANDOFFS = 5
EXPECTED = HANDOFFS * 2  # on 2026-10-19 each is 4 working days late: a reminder and an escalation


def _start(settings, logs: Path, name: str) -> subprocess.Popen:
    env = {**os.environ, "HUB_DATABASE_URL": settings.database_url,
           "HUB_BROKER_URL": settings.broker_url, "HUB_QUEUE_PREFIX": settings.queue_prefix,
           "HUB_KEYRING_PATH": str(settings.keyring_path), "HUB_LOG_LEVEL": "INFO",
           "HUB_REMINDERS_TODAY": "2026-10-19", "HUB_REMINDERS_INTERVAL_SECONDS": "0.3"}
    out = (logs / f"{name}.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "hub", "scheduler"], env=env, stdout=out,
                            stderr=subprocess.STDOUT)


def _counts(hub) -> tuple[int, int]:
    with hub.uow(write=False) as uow:
        rows = uow.session.scalar(select(func.count()).select_from(Reminder))
        events = uow.session.scalar(select(func.count()).select_from(HandoffEvent).where(
            HandoffEvent.action.in_(["remind", "escalate"])))
    return rows, events


def _wait(condition, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def _leader(logs: Path, names: list[str]) -> list[str]:
    return [n for n in names if "hub.scheduler.leader" in (logs / f"{n}.log").read_text()]


def test_two_schedulers_send_each_reminder_once(hub, settings, tmp_path):
    with hub.uow() as uow:
        agency, _ = add_agency(uow.session, name="郧西县自然资源和规划局", channel="other",
                               region_code="420322")
        uow.commit()
    for _ in range(HANDOFFS):
        make_handoff(hub, agency.id, due_on=date(2026, 10, 13))
    names = ["scheduler-a", "scheduler-b"]
    procs = dict(zip(names, (_start(settings, tmp_path, n) for n in names), strict=True))
    try:
        _wait(lambda: _counts(hub)[0] == EXPECTED)
        _wait(lambda: len(_leader(tmp_path, names)) == 1)
        (leader,) = _leader(tmp_path, names)
        time.sleep(1.5)  # the leader runs the job several times more (every 0.3 s)
        assert _counts(hub) == (EXPECTED, EXPECTED)

        procs[leader].send_signal(signal.SIGKILL)  # dies holding the lock
        procs[leader].wait(10)
        _wait(lambda: len(_leader(tmp_path, names)) == 2)  # the other takes over...
        time.sleep(1.5)  # ...and runs the job: it finds everything already sent
        assert _counts(hub) == (EXPECTED, EXPECTED)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
