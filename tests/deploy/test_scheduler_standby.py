"""Two real `hub scheduler` processes: one leads, the other stands by and takes over within a
minute of the leader being killed with SIGKILL (PostgreSQL advisory lock; lock file on SQLite)."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import create_engine, text

from hub.scheduler import ADVISORY_LOCK_KEY
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.support.processes import HubProcesses

pytestmark = pytest.mark.slow

TAKEOVER_SECONDS = 60


def events(log: Path, name: str) -> list[dict]:
    if not log.exists():
        return []
    found = []
    for line in log.read_bytes().splitlines():
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(data, dict) and data.get("event") == name:
            found.append(data)
    return found


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def lock_is_held(database_url: str) -> bool:
    """Seen from outside: someone holds the leader lock right now."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.split("///", 1)[-1]).with_suffix(".scheduler.lock")
        with path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND objid = :k AND database = (SELECT oid FROM pg_database"
                " WHERE datname = current_database())"), {"k": ADVISORY_LOCK_KEY}).scalar())
    finally:
        engine.dispose()


def test_the_standby_scheduler_takes_over_when_the_leader_is_killed(backend, tmp_path: Path) -> None:
    settings = make_settings(backend, tmp_path)
    create_keyring(settings.keyring_path)
    procs = HubProcesses(settings, tmp_path)
    logs = {name: tmp_path / f"{name}.log" for name in ("scheduler-a", "scheduler-b")}
    try:
        procs.start("scheduler", "scheduler-a")
        procs.start("scheduler", "scheduler-b")
        assert wait_for(lambda: sum(len(events(p, "hub.scheduler.leader")) for p in logs.values()) >= 1
                        and sum(len(events(p, "hub.scheduler.standby")) for p in logs.values()) >= 1,
                        TAKEOVER_SECONDS), {n: p.read_text()[-2000:] for n, p in logs.items() if p.exists()}
        leaders = [n for n, p in logs.items() if events(p, "hub.scheduler.leader")]
        assert len(leaders) == 1, "exactly one scheduler leads"
        (leader,) = leaders
        standby = next(n for n in logs if n != leader)
        assert lock_is_held(settings.database_url)

        procs.kill(leader)  # SIGKILL: no clean shutdown, the lock goes with the process

        assert wait_for(lambda: events(logs[standby], "hub.scheduler.leader"), TAKEOVER_SECONDS), \
            logs[standby].read_text()[-2000:]
        (took_over,) = events(logs[standby], "hub.scheduler.leader")
        assert took_over["pid"] == procs.running[standby].pid
        assert lock_is_held(settings.database_url)
        assert procs.running[standby].poll() is None, "the new leader keeps running"
    finally:
        procs.stop_all()
