"""`hub worker` and `hub scheduler` give way to `hub api` where they share cores: they run at
nice 10 at least (HUB_BACKGROUND_NICE, set at start when started higher); `hub api` keeps the
priority it was started with."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.live import free_port
from tests.support.processes import HubProcesses

STARTED = {"worker": b"consuming", "scheduler": b"hub.scheduler"}


def _niceness(pid: int) -> int:
    """The process's nice value (/proc/PID/stat, field 19)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])


def _start(procs: HubProcesses, role: str, logs: Path, **env: str) -> subprocess.Popen:
    """`hub ROLE` with the product's default priority unless `env` says otherwise (the test
    support runs its processes at the test's own)."""
    environment = {k: v for k, v in procs.env().items() if k != "HUB_BACKGROUND_NICE"}
    log = (logs / f"{role}.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "hub", role], env={**environment, **env},
                            stdout=log, stderr=subprocess.STDOUT)
    procs.running[role] = proc
    return proc


def _wait_started(proc: subprocess.Popen, log: Path, marker: bytes) -> None:
    deadline = time.monotonic() + 60
    while marker not in (log.read_bytes() if log.exists() else b""):
        assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
        assert time.monotonic() < deadline, f"not started: {log.read_text(errors='replace')[-2000:]}"
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("role", ["worker", "scheduler"])
def test_background_roles_run_at_nice_ten_at_least_by_default(hub, settings, tmp_path, role):
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    settings.port = free_port()
    procs = HubProcesses(settings, tmp_path)
    try:
        background = _start(procs, role, tmp_path)
        api = _start(procs, "api", tmp_path)
        _wait_started(background, tmp_path / f"{role}.log", STARTED[role])
        procs.wait_ready(api)
        assert _niceness(background.pid) == max(mine, 10)
        assert _niceness(api.pid) == mine
        if mine < 10:
            assert b"hub.runner.priority_lowered" in (tmp_path / f"{role}.log").read_bytes()
    finally:
        procs.stop_all()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_background_nice_of_zero_keeps_the_priority(hub, settings, tmp_path):
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    procs = HubProcesses(settings, tmp_path)
    try:
        worker = _start(procs, "worker", tmp_path, HUB_BACKGROUND_NICE="0")
        _wait_started(worker, tmp_path / "worker.log", STARTED["worker"])
        assert _niceness(worker.pid) == mine
    finally:
        procs.stop_all()
