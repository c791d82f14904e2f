"""CPU time by process kind, read from /proc: what a clue costs however busy the machine is.

A `Meter` snapshots the user + system CPU seconds of each kind of process (the hub's API
processes and their children, its workers, the PostgreSQL backends serving the bench's
database, the RabbitMQ node) and gives the difference. The broker is shared with whatever
else runs on the machine, so its figure is an upper bound. `LockWaits` samples PostgreSQL's
lock table for advisory locks the bench's database waits on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def alive(pid: int) -> bool:
    """Whether the process runs (not gone, not a zombie waiting for its parent)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one live process (0 when it is gone)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields else 0.0


def tree(root: int) -> list[int]:
    """The process and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def postgres_backends(engine, database: str,  # noqa: ANN001
                      leave_out: Collection[int] = ()) -> list[int]:
    """The backends of `database`, but those of `leave_out` (the bench's own reads)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return [pid for pid in conn.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = :d"),
                    {"d": database}).scalars() if pid not in leave_out]


def settle(pids: Callable[[], list[int]], idle: float = 0.05, every: float = 1.0,
           seconds: float = 120.0) -> None:
    """Wait until the processes have started: less than `idle` CPU seconds, all together, in
    `every` seconds (or `seconds` passed). A hub answers HTTP before its workers and scheduler
    have imported everything; measured from then, their start-up would count per clue."""
    deadline = time.monotonic() + seconds
    before = sum(cpu_seconds(pid) for pid in pids())
    while time.monotonic() < deadline:
        time.sleep(every)
        now = sum(cpu_seconds(pid) for pid in pids())
        if now - before < idle:
            return
        before = now


class Meter:
    """CPU seconds per kind between `start` and `stop`; a kind is a function giving pids.
    Processes are looked up at both ends (a pid seen only at the end counts from zero)."""

    def __init__(self, kinds: dict[str, Callable[[], list[int]]]) -> None:
        self.kinds = kinds
        self.before: dict[str, dict[int, float]] = {}

    def _read(self) -> dict[str, dict[int, float]]:
        read = {}
        for kind, pids in self.kinds.items():
            try:
                read[kind] = {pid: cpu_seconds(pid) for pid in pids()}
            except Exception:  # noqa: BLE001 - a kind that cannot be read counts nothing
                read[kind] = {}
        return read

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict[str, float]:
        after = self._read()
        return {kind: sum(max(0.0, seconds - self.before.get(kind, {}).get(pid, 0.0))
                          for pid, seconds in after[kind].items())
                for kind in self.kinds}


class LockWaits:
    """Samples, every `interval` s, how many sessions of `database` wait for an advisory
    lock; `seconds` is the waiting time summed over sessions (sampled)."""

    def __init__(self, engine, database: str, interval: float = 0.02) -> None:  # noqa: ANN001
        self.engine, self.database, self.interval = engine, database, interval
        self.samples = 0
        self.waiting = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from sqlalchemy import text

        query = text("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                     "WHERE d.datname = :d AND l.locktype = 'advisory' AND NOT l.granted")
        with self.engine.connect() as conn:
            while not self._stop.is_set():
                self.waiting += conn.execute(query, {"d": self.database}).scalar_one()
                self.samples += 1
                time.sleep(self.interval)

    def __enter__(self) -> LockWaits:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    @property
    def seconds(self) -> float:
        return self.waiting * self.interval
