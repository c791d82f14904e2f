"""Periodic jobs of hub.collect, run by the scheduler leader.

Every few seconds the collector looks for enabled connectors whose next run is due and runs
each in a thread of its own (a few at most). The lease on `connector_states` keeps any one
connector to one run at a time across processes; `in_flight` only saves a pointless claim.
"""

from __future__ import annotations

import threading

from hub import log
from hub.collect import repository
from hub.collect.runner import LEASE_SECONDS, ConnectorBusy, lease_is_free, run_connector
from hub.container import Hub
from hub.db.types import utcnow
from hub.pipeline.sweeper import purge_old
from hub.scheduler_types import Job

TICK_SECONDS = 2.0
MAX_CONCURRENT_RUNS = 3


class Collector:
    def __init__(self, hub: Hub, max_runs: int = MAX_CONCURRENT_RUNS) -> None:
        self.hub = hub
        self.max_runs = max_runs
        self.in_flight: set[str] = set()
        self._lock = threading.Lock()

    def tick(self) -> list[str]:
        """Start a run for each due connector; the names started."""
        now = utcnow()
        with self.hub.uow(write=False) as uow:
            # A lease whose holder died on this host is free at once (a scheduler killed in
            # the middle of a run), not only after LEASE_SECONDS: claim() takes it over.
            due = [state.name for state in repository.due_states(uow.session, now)
                   if lease_is_free(state, now, LEASE_SECONDS)]
        started = []
        with self._lock:
            for name in due:
                if name in self.in_flight or len(self.in_flight) >= self.max_runs:
                    continue
                self.in_flight.add(name)
                started.append(name)
        for name in started:
            # Daemon threads: a run stopped by the process exiting loses at most the page in
            # flight, which was never committed; the next run resumes from the saved cursor.
            threading.Thread(target=self._run, args=(name,), name=f"collect-{name}",
                             daemon=True).start()
        return started

    def _run(self, name: str) -> None:
        try:
            run_connector(self.hub, name)
        except ConnectorBusy:
            pass  # another process runs it
        except Exception as exc:  # already recorded as a failed run; keep the scheduler alive
            log.warning("hub.collect.run_crashed", connector=name, error=repr(exc)[:300])
        finally:
            with self._lock:
                self.in_flight.discard(name)


def purge_empty_runs(hub: Hub) -> int:
    """Housekeeping: a connector polled every 10 s leaves 8,640 empty runs a day."""
    return purge_old(hub, repository.purge_empty_runs, "hub.collect.runs_purged")


def jobs(hub: Hub) -> list[Job]:
    from hub.collect.writeback import write_back

    return [Job("collect", Collector(hub).tick, args={"seconds": TICK_SECONDS}),
            Job("collect_purge", lambda: purge_empty_runs(hub), args={"hours": 1}),
            # 办理结果回复 onto pulled records: into the outbox as hub.notify fills it.
            Job("ticket_replies", lambda: write_back(hub),
                args={"seconds": hub.settings.webhook_interval_seconds})]
