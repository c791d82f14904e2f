"""`hub worker` and `hub scheduler` give way to `hub api` where they share cores: they run at
nice 10 at least (HUB_BACKGROUND_NICE, set at start when started higher); `hub api` keeps the
priority it was started with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.live import free_port
from tests.support.processes import HubProcesses

STARTED = {"worker": b"consuming", "scheduler": b"hub.scheduler"}
# The test support runs its processes at the test's own priority; these at the product's.
DEFAULT = {"HUB_BACKGROUND_NICE": None}


def _niceness(pid: int) -> int:
    """The process's nice value (/proc/PID/stat, field 19)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("role", ["worker", "scheduler"])
def test_background_roles_run_at_nice_ten_at_least_by_default(hub, settings, tmp_path, role):
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    settings.port = free_port()
    procs = HubProcesses(settings, tmp_path)
    try:
        background = procs.start(role, **DEFAULT)
        api = procs.start("api", **DEFAULT)  # answers /healthz on return
        procs.wait_logged(role, STARTED[role])
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
        worker = procs.start("worker", HUB_BACKGROUND_NICE="0")
        procs.wait_logged("worker", STARTED["worker"])
        assert _niceness(worker.pid) == mine
    finally:
        procs.stop_all()
