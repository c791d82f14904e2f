"""The hub's real processes (`python -m hub api|worker|scheduler`) for crash tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from hub.settings import Settings


class HubProcesses:
    def __init__(self, settings: Settings, logs: Path) -> None:
        self.settings = settings
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def env(self) -> dict[str, str]:
        s = self.settings
        return {
            **os.environ,
            "HUB_DATABASE_URL": s.database_url, "HUB_BROKER_URL": s.broker_url,
            "HUB_QUEUE_PREFIX": s.queue_prefix, "HUB_KEYRING_PATH": str(s.keyring_path),
            "HUB_PORT": str(s.port), "HUB_TASK_STUCK_SECONDS": str(s.task_stuck_seconds),
            "HUB_TASK_UNCLAIMED_SECONDS": str(s.task_unclaimed_seconds),
            "HUB_SWEEP_INTERVAL_SECONDS": str(s.sweep_interval_seconds),
            "HUB_WORKER_BATCH_SIZE": str(s.worker_batch_size),
            # at the priority of the test that waits for them: on a machine busy with other
            # suites a lowered worker can wait seconds for a core (test_background_priority
            # runs them with the default)
            "HUB_BACKGROUND_NICE": "0",
        }

    def start(self, role: str, name: str | None = None,
              **env: str | None) -> subprocess.Popen:
        """`hub ROLE`, its output in `<logs>/<name>.log`; `env` over `env()`, a None value
        leaving that variable out (the product's default)."""
        name = name or role
        log = (self.logs / f"{name}.log").open("ab")
        environment = {**self.env(), **env}
        proc = subprocess.Popen(
            [sys.executable, "-m", "hub", role],
            env={k: v for k, v in environment.items() if v is not None},
            stdout=log, stderr=subprocess.STDOUT)
        self.running[name] = proc
        if role == "api":
            self.wait_ready(proc)
        return proc

    def wait_logged(self, name: str, marker: bytes, timeout: float = 60.0) -> None:
        """Until process `name` has written `marker` to its log (a worker: b"consuming")."""
        proc, log = self.running[name], self.logs / f"{name}.log"
        deadline = time.monotonic() + timeout
        while marker not in log.read_bytes():
            assert proc.poll() is None, f"{name} exited: {log.read_text(errors='replace')[-2000:]}"
            assert time.monotonic() < deadline, f"{name} did not start: see {log}"
            time.sleep(0.1)

    def wait_ready(self, proc: subprocess.Popen) -> None:
        """Until the served process (`hub api`, `hub run`) answers /healthz."""
        # Generous: a loaded 2-core machine takes tens of seconds to import the API.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{self.settings.port}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        state = "exited" if proc.poll() is not None else "did not answer within 90 s"
        raise RuntimeError(f"hub api {state}; see {self.logs}")

    def kill(self, name: str) -> None:
        proc = self.running.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.running.values():
            proc.terminate()
        for proc in self.running.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.running.clear()
