"""`hub api --processes 2`: two API processes on one port (each its own SO_REUSEPORT socket);
one killed is started again and the API keeps answering; a second server on the port is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hub.db.migrate import upgrade
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.support.live import free_port
from tests.support.processes import HubProcesses

pytestmark = pytest.mark.slow


def api_processes(parent: int) -> list[int]:
    """The API processes the parent started (not its multiprocessing helper)."""
    try:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    except OSError:
        return []
    found = []
    for pid in map(int, children):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


def answers(url: str, times: int) -> bool:
    """Every one of `times` new connections gets an answer."""
    try:
        return all(httpx.get(f"{url}/healthz", timeout=30).status_code == 200
                   for _ in range(times))
    except httpx.TransportError:
        return False


def wait_for(predicate, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def test_api_processes_share_a_port_and_one_killed_is_started_again(backend, tmp_path: Path):
    settings = make_settings(backend, tmp_path, port=free_port())
    create_keyring(settings.keyring_path)
    upgrade(settings.database_url)
    env = HubProcesses(settings, tmp_path).env()
    url = f"http://127.0.0.1:{settings.port}"
    command = [sys.executable, "-m", "hub", "api", "--processes", "2"]
    with (tmp_path / "api.log").open("ab") as log:
        parent = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: len(api_processes(parent.pid)) == 2 and answers(url, 20), 180), \
            (tmp_path / "api.log").read_text()[-3000:]
        killed = api_processes(parent.pid)[0]
        os.kill(killed, signal.SIGKILL)

        assert wait_for(lambda: len(api_processes(parent.pid)) == 2
                        and killed not in api_processes(parent.pid) and answers(url, 20), 180), \
            (tmp_path / "api.log").read_text()[-3000:]
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert second.returncode != 0
        assert f"cannot listen on {settings.host}:{settings.port}" in second.stderr
        assert answers(url, 5)
    finally:
        serving = api_processes(parent.pid)
        parent.terminate()
        parent.wait(60)
    assert serving and not any(Path(f"/proc/{pid}").exists() for pid in serving)  # stopped too
