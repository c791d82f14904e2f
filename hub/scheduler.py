"""The scheduler: periodic jobs, run by exactly one process at a time.

APScheduler 3.x schedulers never share a job store safely (FACTS.md), so jobs are defined
in code and each scheduler process must first hold the leader lock: a PostgreSQL advisory
lock on a connection kept open, or an fcntl lock file beside the SQLite database. The
others stand by and take over when the holder dies (its lock is released with it).
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from types import ModuleType

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from hub import log
from hub.container import Hub
from hub.pipeline.sweeper import purge_done_tasks, sweep
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

    def still_held(self) -> bool:
        """False once the lock's database session is gone (server restart, network cut):
        its advisory lock went with it and a standby may already hold it."""
        if self._conn is None:
            return self._file is not None
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()  # never sit idle in a transaction (a timeout would end the session)
            return True
        except Exception:
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
            try:
                self._conn.close()
            except Exception:  # already broken: closing it is all that was left to do
                self._conn.invalidate()
        if self._file is not None:
            self._file.close()
        self._conn = self._file = None


def job_modules() -> tuple[ModuleType, ...]:
    """Each domain's jobs module (imported here, not at the top: `hub run` and tests import
    this module without running jobs; a scheduler process imports them before it starts, so
    they are part of its frozen start-up, hub.runner.freeze_start_up)."""
    from hub.archive import jobs as archive
    from hub.audit import jobs as audit
    from hub.collect import jobs as collect
    from hub.correlate import jobs as correlate
    from hub.directory import jobs as directory
    from hub.followups import jobs as followups
    from hub.notify import jobs as notify
    from hub.privacy import jobs as privacy
    from hub.reports import jobs as reports
    from hub.route import jobs as route

    return (archive, audit, collect, correlate, directory, followups, notify, privacy, reports, route)


def jobs(hub: Hub) -> list[Job]:
    """Every periodic job: the sweeper, then each domain's own."""
    own = [Job("sweep", lambda: sweep(hub), args={"seconds": hub.settings.sweep_interval_seconds}),
           Job("purge_done_tasks", lambda: purge_done_tasks(hub), args={"hours": 1})]
    return own + [job for domain in job_modules() for job in domain.jobs(hub)]


def run(hub: Hub, stop: threading.Event) -> None:
    """Stand by until this process is leader, then run the jobs until `stop`; if the lock is
    lost while leading (its database session ended), stop the jobs and stand by again."""
    lock = LeaderLock(hub)
    announced = False
    while not stop.is_set():
        if not _acquire(lock):
            if not announced:
                log.event("hub.scheduler.standby", pid=os.getpid())
                announced = True
            stop.wait(STANDBY_RETRY_SECONDS)
            continue
        announced = False
        log.event("hub.scheduler.leader", pid=os.getpid())
        _lead(hub, lock, stop)


def _acquire(lock: LeaderLock) -> bool:
    try:
        return lock.try_acquire()
    except Exception as exc:  # the database is away: keep standing by, try again later
        log.warning("hub.scheduler.lock_unavailable", error=repr(exc))
        return False


def _lead(hub: Hub, lock: LeaderLock, stop: threading.Event) -> None:
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    for job in jobs(hub):
        scheduler.add_job(job.func, job.trigger, id=job.id, max_instances=1, coalesce=True,
                          **job.args)
    scheduler.start()
    try:
        while not stop.wait(STANDBY_RETRY_SECONDS):
            if not lock.still_held():
                log.warning("hub.scheduler.lock_lost", pid=os.getpid())
                return
    finally:
        scheduler.shutdown(wait=True)
        lock.release()
