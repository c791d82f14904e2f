"""The scheduler: periodic jobs, run by exactly one process at a time.

APScheduler 3.x schedulers never share a job store safely (FACTS.md), so jobs are defined
in code and each scheduler process must first hold the leader lock: a PostgreSQL advisory
lock on a connection kept open, or an fcntl lock file beside the SQLite database. The
others stand by and take over when the holder dies (its lock is released with it).
"""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from hub import log
from hub.container import Hub
from hub.pipeline.sweeper import sweep
from hub.scheduler_types import Job

ADVISORY_LOCK_KEY = 0x6875625F  # "hub_"
STANDBY_RETRY_SECONDS = 5.0


class LeaderLock:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._conn = None
        self._file = None

    def try_acquire(self) -> bool:
        if self.hub.settings.is_sqlite:
            return self._try_file()
        conn = self.hub.engine.connect()
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar():
            conn.commit()
            self._conn = conn
            return True
        conn.close()
        return False

    def _try_file(self) -> bool:
        db_path = self.hub.settings.database_url.split("///", 1)[-1]
        path = Path(db_path).with_suffix(".scheduler.lock")
        handle = path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._file is not None:
            self._file.close()
        self._conn = self._file = None


def jobs(hub: Hub) -> list[Job]:
    """Every periodic job: the sweeper, then each domain's own."""
    from hub.collect import jobs as collect
    from hub.correlate import jobs as correlate
    from hub.directory import jobs as directory
    from hub.reports import jobs as reports
    from hub.route import jobs as route

    own = [Job("sweep", lambda: sweep(hub), args={"seconds": hub.settings.sweep_interval_seconds})]
    return own + [job for domain in (collect, correlate, directory, route, reports) for job in domain.jobs(hub)]


def run(hub: Hub, stop: threading.Event) -> None:
    """Stand by until this process is leader, then run the jobs until `stop`."""
    lock = LeaderLock(hub)
    while not stop.is_set() and not lock.try_acquire():
        stop.wait(STANDBY_RETRY_SECONDS)
    if stop.is_set():
        return
    log.event("hub.scheduler.leader")
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    for job in jobs(hub):
        scheduler.add_job(job.func, job.trigger, id=job.id, max_instances=1, coalesce=True,
                          **job.args)
    scheduler.start()
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        lock.release()
