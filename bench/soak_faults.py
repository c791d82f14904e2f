"""The soak's faults (bench/soak.py): SIGKILL of a worker and of the active scheduler, the
broker's connections dropped, a partner's webhook failing for a while, the RabbitMQ application
restarted; with the time each took to recover."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from bench.soak_support import Broker, Procs, Receiver, wait_for

# A flaky partner's webhook outage lasts 20 % of the load, at most this long: the soak's
# webhook retries (about 23 s) must outlast it.
OUTAGE_MAX_SECONDS = 10


class Faults:
    """The faults, at fractions of the load's time; each one waits for the one before it."""

    def __init__(self, procs: Procs, receiver: Receiver, broker: Broker, seconds: float,
                 broker_restart: bool, abort: threading.Event, flaky: str, down: str) -> None:
        self.procs, self.receiver, self.broker = procs, receiver, broker
        self.seconds, self.broker_restart, self.abort = seconds, broker_restart, abort
        self.flaky, self.down = flaky, down
        self.done: list[str] = []
        self.planned: list[str] = []
        self.takeover: float | None = None
        self.broker_recovery: float | None = None
        self.broker_back_at: float | None = None  # time.time() when start_app returned
        self.outage = min(seconds * 0.2, OUTAGE_MAX_SECONDS)

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # reported as a failed check, never left unsaid
            self.done.append(f"fault injection crashed: {exc!r}")

    def _at(self, fraction: float) -> bool:
        return not self.abort.wait(max(0.0, self.start + self.seconds * fraction
                                       - time.monotonic()))

    def _run(self) -> None:
        self.start = time.monotonic()
        self.planned = ["worker", "scheduler", "webhook outage"]
        if self.broker.ctl:
            self.planned.insert(2, "broker connections")
        if self.broker_restart:
            self.planned.append("broker restart")
        if self._at(0.10):
            self.procs.kill("worker-1")
            self.procs.start(["worker"], "worker-4")
            self.done.append("SIGKILL worker-1, started worker-4")
        if self._at(0.25):
            self._kill_scheduler()
        if self.broker.ctl and self._at(0.40):
            self.done.append("rabbitmqctl close_all_connections"
                             + self.broker.close_all_connections())
        if self._at(0.45):
            self.receiver.failing.set()
            timer = threading.Timer(self.outage, self.receiver.failing.clear)
            timer.daemon = True
            timer.start()
            self.done.append(f"webhook of {self.flaky} answers 500 for {self.outage:.0f} s; "
                             f"{self.down}'s webhook answers 500 throughout")
        if self.broker_restart and self._at(0.60):
            self._restart_broker()

    def _kill_scheduler(self) -> None:
        leaders = [n for n in ("scheduler-a", "scheduler-b")
                   if n in self.procs.running and self.procs.events(n, "hub.scheduler.leader")]
        if not leaders:
            self.done.append("no scheduler leader seen in the logs: scheduler kill skipped")
            return
        leader = leaders[0]
        standby = "scheduler-b" if leader == "scheduler-a" else "scheduler-a"
        since = self.procs.mark(standby)
        killed_at = time.monotonic()
        self.procs.kill(leader)
        if wait_for(lambda: self.procs.events(standby, "hub.scheduler.leader", since), 90):
            self.takeover = time.monotonic() - killed_at
            self.done.append(f"SIGKILL active {leader}; {standby} took over in "
                             f"{self.takeover:.1f} s")
        else:
            self.done.append(f"SIGKILL active {leader}; {standby} did NOT take over within 90 s")

    def _restart_broker(self) -> None:
        others = self.broker.others_connected([p.pid for p in self.procs.running.values()])
        if others:  # not ours to stop: someone else's connections would see the broker go
            self.planned.remove("broker restart")
            self.done.append(f"broker restart skipped: {len(others)} connections to it are not"
                             f" the soak's {others[:2]}")
            return
        # Workers connected before: a worker still starting up (slow on 2 cores) is not one
        # that reconnects.
        workers = [n for n in self.procs.running if n.startswith("worker-")
                   and self.procs.events(n, "hub.worker.consuming")]
        marks = {n: self.procs.mark(n) for n in workers}
        print("rabbitmqctl stop_app: the RabbitMQ application stops for a few seconds",
              flush=True)
        stopped_at = time.monotonic()
        ok, note = self.broker.restart(3.0, self.abort)
        if not ok:
            self.done.append(f"broker restart: {note}")
            return
        back = time.monotonic()
        self.broker_back_at = time.time()

        def reconnected(name: str) -> bool:  # lost its connection, and consumes again since
            seen = self.procs.events(name, ("hub.worker.connection_lost",
                                            "hub.worker.consuming"), marks[name])
            return bool(seen) and seen[0]["event"] == "hub.worker.connection_lost" \
                and seen[-1]["event"] == "hub.worker.consuming"

        every = wait_for(lambda: all(reconnected(n) for n in workers
                                     if n in self.procs.running), 120, 0.5)
        if every:
            self.broker_recovery = time.monotonic() - back
        self.done.append(
            f"rabbitmqctl stop_app, start_app (from stop_app to start_app done "
            f"{back - stopped_at:.1f} s); "
            + (f"the {len(workers)} connected workers lost the broker and consumed again "
               f"{self.broker_recovery:.1f} s after start_app returned (0: during its start-up)"
               if every else "NOT all workers consuming again within 120 s"))

    def checks(self) -> list[tuple[str, bool, str]]:
        names = {"worker": "SIGKILL worker", "scheduler": "took over in",
                 "broker connections": "close_all_connections",
                 "webhook outage": "answers 500", "broker restart": "consumed again"}
        missing = [p for p in self.planned
                   if not any(names[p] in d and "FAILED" not in d and "NOT" not in d
                              for d in self.done)]
        out = [("every planned fault injected and recovered from", not missing and self.planned,
                f"planned {self.planned}; not done or not recovered: {missing}")]
        if self.broker_back_at is not None:
            late = [(n, e.get("ts")) for n in self.procs.logs_names()
                    for e in self.procs.events(n, "hub.queue.publish_failed")
                    if _epoch(e.get("ts")) > self.broker_back_at + 30]
            out.append(("no publish failure once the broker was back 30 s", not late,
                        f"{len(late)} late {late[:3]}"))
        return out


def _epoch(ts: str | None) -> float:
    if not ts:
        return 0.0
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp()
