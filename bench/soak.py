"""Soak: 2 api + 3 worker + 2 scheduler real processes on PostgreSQL and RabbitMQ, a partner
simulator pulled by a connector, a mixed load for a bounded time, faults injected meanwhile,
then the books are checked.

    .venv/bin/python -m bench.soak --seconds 120
    .venv/bin/python -m bench.soak --ci          # shorter and lighter, for `make test`

Needs PostgreSQL on 127.0.0.1:5432 (trust; creates and drops its own database) and RabbitMQ on
127.0.0.1:5672 (guest/guest; its own queue prefix), or SOAK_DATABASE_URL / SOAK_BROKER_URL.
With rabbitmqctl (root) it runs in a RabbitMQ vhost of its own (deleted at the end), drops
that vhost's connections, and restarts the RabbitMQ application (stop_app/start_app: the whole
broker, so only when no one else is connected; always started again, also on a crash or
SIGINT/SIGTERM).
Not a test: prints checks and a table, exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

if __package__ in (None, ""):  # run as a script: bench/soak.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.soak_faults import Faults
from bench.soak_support import Broker, Partner, Procs, Receiver, free_port, pct, wait_for

PG = os.environ.get("SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AMQP = os.environ.get("SOAK_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
PASSWORD = "soak-horse-9"
SENDERS = (("十堰市中级人民法院", "court"), ("十堰市12345热线", "hotline"), ("十堰市信访局", "petition"))
COMMISSION, BUREAU, DOWN = "十堰市纪委监委", "郧西县自然资源和规划局", "丹江口市司法局"
WEBHOOKS = {COMMISSION: "ok", BUREAU: "flaky", DOWN: "down"}  # paths on the Receiver
CONNECTOR, SIM_SEED = "procuratorate", 7
DECIDED = {"accepted", "declined", "assigned", "referred", "transferred", "copied", "merged",
           "closed"}
# Webhook retries for the soak: 8 attempts 1, 2, 4, 4, … s apart (about 23 s), so the flaky
# partner's outage (at most OUTAGE_MAX_SECONDS) is retried through while the partner that is
# down for good ends `failed` soon enough to be seen.
WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF, WEBHOOK_BACKOFF_MAX = 8, 1, 4  # OUTAGE_MAX_SECONDS: faults


@dataclass(frozen=True)
class Profile:
    """How hard the load pushes: the full soak, or the lighter one CI runs."""

    name: str
    seconds: float
    pause: float  # between two pushes of one sender
    batch: int  # clues in every third push
    sim_total: int  # records at the partner at the start
    sim_grow: int  # records added at the partner every second
    drain_seconds: float


FULL = Profile("full", 120, 0.05, 20, 300, 10, 240)
CI = Profile("ci", 35, 0.2, 10, 100, 4, 150)


# --------------------------------------------------------------------------- load
_serial = itertools.count(1)


def clue(channel: str, run: str) -> dict:
    n = next(_serial)
    return {
        "source_ref": f"SOAK-{run}-{channel}-{n:07d}", "channel": channel,
        "reported_at": (datetime.now(UTC) - timedelta(hours=n % 48 + 1)).isoformat(),
        "title": f"郧西县自然资源和规划局行政处罚问题{n % 97}",
        "content": f"反映郧西县自然资源和规划局第{n}号行政处罚认定事实不清、程序违法，请督促纠正。",
        "subjects": [{"name": random.choice([BUREAU, "竹山县城市管理执法局", "十堰市市场监督管理局"])}],
        "references": [{"kind": "case_number", "value": f"(2026)鄂0322行初{n % 400 + 1}号"}],
        "urgency": "important",
    }


class Load:
    def __init__(self, urls: list[str], keys: dict[str, str], run: str, stop: threading.Event,
                 profile: Profile):
        self.urls, self.keys, self.run, self.stop = urls, keys, run, stop
        self.profile = profile
        self.lock = threading.RLock()
        self.accepted: set[tuple[str, str]] = set()  # (agency name, source_ref)
        self.latency: list[float] = []
        self.errors: list[str] = []
        self.decisions = self.replies = self.acks = self.rejected = 0

    def _note_error(self, what: str) -> None:
        with self.lock:
            if len(self.errors) < 200:
                self.errors.append(what)

    def pusher(self, agency: str, channel: str) -> None:
        clients = [httpx.Client(base_url=u, timeout=30,
                                headers={"Authorization": f"Bearer {self.keys[agency]}"})
                   for u in self.urls]
        i = 0
        while not self.stop.is_set():
            client = clients[i % len(clients)]
            i += 1
            batch, size = i % 3 == 0, self.profile.batch
            body = ({"clues": [clue(channel, self.run) for _ in range(size)]} if batch
                    else clue(channel, self.run))
            started = time.perf_counter()
            try:
                r = client.post("/api/v1/clues/batch" if batch else "/api/v1/clues", json=body)
            except httpx.TransportError as exc:  # unknown outcome: not counted as accepted
                self._note_error(f"push {exc!r}")
                time.sleep(self.profile.pause)
                continue
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latency.append(elapsed / (size if batch else 1))
                if batch and r.status_code == 200:
                    for sent, res in zip(body["clues"], r.json()["results"], strict=True):
                        if 200 <= res["status"] < 300:
                            self.accepted.add((agency, sent["source_ref"]))
                        else:
                            self.rejected += 1
                elif not batch and 200 <= r.status_code < 300:
                    self.accepted.add((agency, body["source_ref"]))
                else:
                    self.rejected += 1
                    self._note_error(f"push {r.status_code} {r.text[:200]}")
            time.sleep(self.profile.pause)

    def office(self) -> None:
        client = httpx.Client(base_url=self.urls[0], timeout=30)
        opened = client.post("/api/v1/office/session", json={"username": "soak", "password": PASSWORD})
        opened.raise_for_status()
        client.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
        kinds = itertools.cycle([("assign", COMMISSION), ("refer", BUREAU), ("accept", None),
                                 ("assign", BUREAU), ("decline", None), ("refer", COMMISSION),
                                 ("transfer", DOWN)])
        while not self.stop.wait(0.3):
            try:
                page = client.get("/api/v1/office/queue", params={"limit": 5})
                numbers = [c["id"] for c in page.json()["clues"]]
                for number in numbers[:3]:
                    kind, target = next(kinds)
                    body = {"clues": [number], "kind": kind, "target": target}
                    if kind in ("accept", "decline"):
                        body["reason"] = "soak"
                        body.pop("target")
                    r = client.post("/api/v1/office/decisions", json=body)
                    if r.status_code == 201:
                        with self.lock:
                            self.decisions += 1
                    elif r.status_code != 409:  # 409: someone decided already (not here)
                        self._note_error(f"decide {r.status_code} {r.text[:200]}")
            except (httpx.TransportError, ValueError, KeyError) as exc:  # next round
                self._note_error(f"office {exc!r}")

    def partner(self, agency: str) -> None:
        client = httpx.Client(base_url=self.urls[1], timeout=30,
                              headers={"Authorization": f"Bearer {self.keys[agency]}"})
        while not self.stop.wait(0.5):
            try:
                for status in ("sent", "acknowledged"):
                    inbox = client.get("/api/v1/handoffs", params={"status": status, "limit": 100})
                    for h in inbox.json()["handoffs"]:
                        number = h["id"]
                        if status == "sent":
                            r = client.post(f"/api/v1/handoffs/{number}/ack")
                            if r.status_code == 200:
                                with self.lock:
                                    self.acks += 1
                            else:
                                self._note_error(f"ack {r.status_code} {r.text[:200]}")
                        elif int(number[-1]) % 3:  # a third stay open: reminders come due
                            r = client.post(f"/api/v1/handoffs/{number}/replies", json={
                                "source_ref": f"R-{number}", "final": True, "text": "已整改完毕",
                                "outcome": {"kind": "rectified"}})
                            if r.status_code in (200, 201):
                                with self.lock:
                                    self.replies += 1
                            else:
                                self._note_error(f"reply {r.status_code} {r.text[:200]}")
            except (httpx.TransportError, ValueError, KeyError) as exc:  # next round
                self._note_error(f"partner {exc!r}")


# --------------------------------------------------------------------------- books
def books(engine, accepted: set[tuple[str, str]],
          receiver_hits: dict) -> tuple[list[tuple[str, bool, str]], dict]:
    checks: list[tuple[str, bool, str]] = []
    with engine.connect() as c:
        rows = c.execute(text(
            "SELECT a.name, k.source_ref, k.status FROM clues k JOIN agencies a ON a.id = k.agency_id"
        )).all()
        seen: dict[tuple[str, str], list[str]] = {}
        for name, ref, status in rows:
            seen.setdefault((name, ref), []).append(status)
        missing = [k for k in accepted if k not in seen]
        doubled = [k for k in accepted if len(seen.get(k, [])) > 1]
        stuck = [(k, seen[k][0]) for k in accepted if k in seen and seen[k][0] != "pending_review"
                 and seen[k][0] not in DECIDED]
        checks.append(("every accepted clue stored exactly once (agency+source_ref)",
                       not missing and not doubled,
                       f"{len(accepted)} accepted, {len(missing)} missing, {len(doubled)} doubled"))
        checks.append(("every accepted clue reached pending_review or a decided status", not stuck,
                       f"{len(stuck)} elsewhere {stuck[:5]}"))
        tasks = dict(c.execute(text("SELECT state, count(*) FROM tasks GROUP BY state")).all())
        bad = {s: n for s, n in tasks.items() if s in ("failed", "running", "pending")}
        checks.append(("no task left failed/running/pending", not bad, f"tasks by state {tasks}"))
        inconsistent = c.execute(text(
            "SELECT h.number, h.state, e.to_state FROM handoffs h JOIN LATERAL ("
            " SELECT to_state FROM handoff_events WHERE handoff_id = h.id AND to_state IS NOT NULL"
            " ORDER BY id DESC LIMIT 1) e ON true WHERE e.to_state <> h.state")).all()
        no_events = c.execute(text(
            "SELECT count(*) FROM handoffs h WHERE NOT EXISTS (SELECT 1 FROM handoff_events e"
            " WHERE e.handoff_id = h.id AND e.to_state IS NOT NULL)")).scalar()
        handoffs = dict(c.execute(text("SELECT state, count(*) FROM handoffs GROUP BY state")).all())
        checks.append(("every hand-off's state = its last event's to_state",
                       not inconsistent and not no_events,
                       f"{sum(handoffs.values())} hand-offs {handoffs}; {len(inconsistent)} "
                       f"inconsistent {inconsistent[:3]}; {no_events} without events"))
        dup = c.execute(text(
            "SELECT count(*) FROM (SELECT handoff_id, deadline, kind, on_date FROM reminders"
            " GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d")).scalar()
        reminders = c.execute(text("SELECT count(*) FROM reminders")).scalar()
        checks.append(("no reminder duplicated per (hand-off, deadline, kind, date)", dup == 0,
                       f"{reminders} reminders, {dup} duplicated keys"))
        deliveries = dict(c.execute(text(
            "SELECT state, count(*) FROM webhook_deliveries GROUP BY state")).all())
        undone = {s: n for s, n in deliveries.items() if s not in ("delivered", "failed")}
        checks.append(("webhook deliveries all delivered or failed (visible)", not undone,
                       f"deliveries by state {deliveries}"))
        per = {(name, state): n for name, state, n in c.execute(text(
            "SELECT a.name, d.state, count(*) FROM webhook_deliveries d JOIN agencies a"
            " ON a.id = d.agency_id GROUP BY 1, 2")).all()}
        down = {s: n for (a, s), n in per.items() if a == DOWN}
        checks.append((f"{DOWN} (webhook down throughout): every delivery ended failed",
                       down.get("failed", 0) > 0 and set(down) == {"failed"}, f"{down}"))
        others = {(a, s): n for (a, s), n in per.items() if a != DOWN}
        checks.append(("the other partners: every delivery delivered (also after the outage)",
                       bool(others) and all(s == "delivered" for _, s in others),
                       f"{others}; flaky receiver {receiver_hits}"))
        counts = {
            "clues": len(rows),
            "clues by status": dict(c.execute(text(
                "SELECT status, count(*) FROM clues GROUP BY status")).all()),
            "hand-offs": handoffs, "reminders": reminders, "webhook deliveries": deliveries,
            "webhook attempts": c.execute(text("SELECT count(*) FROM webhook_attempts")).scalar(),
            "audit entries": c.execute(text("SELECT count(*) FROM audit_entries")).scalar(),
        }
    return checks, counts


def drained(engine, accepted: set[tuple[str, str]]) -> bool:
    with engine.connect() as c:
        busy = c.execute(text(
            "SELECT (SELECT count(*) FROM tasks WHERE state IN ('pending', 'running'))"
            " + (SELECT count(*) FROM webhook_deliveries WHERE state IN ('pending', 'sending'))"
            " + (SELECT count(*) FROM clues WHERE status IN ('received', 'normalized', 'correlated'))"
        )).scalar()
        stored = c.execute(text("SELECT count(*) FROM clues")).scalar()
    return busy == 0 and stored >= len(accepted)


def lag_seconds(engine) -> float:
    """Age of the oldest clue not yet through the pipeline (0 when it has caught up)."""
    with engine.connect() as c:
        oldest = c.execute(text(
            "SELECT min(received_at) FROM clues WHERE status IN ('received', 'normalized', "
            "'correlated')")).scalar()
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return (datetime.now(UTC) - oldest).total_seconds()


def reminder_day() -> date:
    """A Wednesday about two months ahead (reminders are owed on working days only)."""
    day = date.today() + timedelta(days=56)
    return day + timedelta(days=(2 - day.weekday()) % 7)


# --------------------------------------------------------------------------- main
class Soak:
    def __init__(self, profile: Profile, broker_restart: bool | None, keep: bool) -> None:
        self.profile, self.keep = profile, keep
        self.run_id = uuid.uuid4().hex[:8]
        self.db = f"hub_soak_{self.run_id}"
        self.work = Path(tempfile.mkdtemp(prefix=f"hub-soak-{self.run_id}-"))
        self.broker = Broker(AMQP, f"soak{self.run_id}")
        self.broker_restart = (self.broker.ctl and self.broker.loopback
                               if broker_restart is None else broker_restart)
        if self.broker_restart and not (self.broker.ctl and self.broker.loopback):
            raise SystemExit("--broker-restart needs rabbitmqctl and a broker on loopback")
        self.admin = create_engine(make_url(PG).set(database="postgres"),
                                   isolation_level="AUTOCOMMIT")
        self.url = make_url(PG).set(database=self.db).render_as_string(hide_password=False)
        self.ports = [free_port(), free_port()]
        self.env = {
            **os.environ, "HUB_DATABASE_URL": self.url, "HUB_BROKER_URL": self.broker.url,
            "HUB_QUEUE_PREFIX": self.broker.prefix,
            "HUB_KEYRING_PATH": str(self.work / "keyring.json"),
            "HUB_HOST": "127.0.0.1", "HUB_PORT": str(self.ports[0]),
            "HUB_SWEEP_INTERVAL_SECONDS": "1", "HUB_TASK_UNCLAIMED_SECONDS": "3",
            "HUB_TASK_STUCK_SECONDS": "10", "HUB_WEBHOOK_BACKOFF_SECONDS": str(WEBHOOK_BACKOFF),
            "HUB_WEBHOOK_BACKOFF_MAX_SECONDS": str(WEBHOOK_BACKOFF_MAX),
            "HUB_WEBHOOK_INTERVAL_SECONDS": "1",
            # the scheduler is SIGKILLed, maybe mid-send: its claims expire after 30 s, not 120
            # (the receivers answer at once, a claim batch takes well under a second here)
            "HUB_WEBHOOK_CLAIM_SECONDS": "30",
            "HUB_WEBHOOK_MAX_ATTEMPTS": str(WEBHOOK_ATTEMPTS),
            "HUB_REMINDERS_INTERVAL_SECONDS": "5",
            # counted from a working day two months ahead every open hand-off is overdue
            "HUB_REMINDERS_TODAY": reminder_day().isoformat()}
        self.procs = Procs(self.env, self.work)
        self.receiver = Receiver()
        self.stop, self.abort = threading.Event(), threading.Event()
        self.t0 = time.monotonic()

    def say(self, what: str) -> None:
        print(f"[{time.monotonic() - self.t0:4.0f} s] {what}", flush=True)

    def run(self) -> int:
        print(f"soak {self.run_id} ({self.profile.name}, {self.profile.seconds:.0f} s of load, broker restart "
              f"{'on' if self.broker_restart else 'off'}): database {self.db}, logs {self.work}",
              flush=True)
        if not self.broker.ctl:
            print("note: rabbitmqctl not usable here: the broker's connections are not dropped"
                  " and the broker is not restarted", flush=True)
        failed = True
        try:
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.db}"'))
            failed = self._soak()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):  # cleanup runs to its end
                signal.signal(sig, signal.SIG_IGN)
            self.abort.set()
            self.stop.set()
            self.broker.close()  # never left stopped
            self.receiver.failing.clear()
            self.procs.stop_all()
            self.receiver.server.shutdown()
            if not self.keep:
                with self.admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)'))
                self.broker.delete_queues()
            self.admin.dispose()
            if not self.keep and not failed:
                shutil.rmtree(self.work, ignore_errors=True)
            self.say("cleaned up" + (f"; kept database {self.db} and logs {self.work}"
                                     if self.keep else f"; logs kept in {self.work}" if failed
                                     else ""))
        return 1 if failed else 0

    def _setup(self) -> dict[str, str]:
        """Agencies with keys and webhooks, a reviewer, the connector: the keys."""
        from hub.accounts.service import add_user
        from hub.agencies.service import add_agency
        from hub.collect.config import configure
        from hub.container import Hub
        from hub.db.types import utcnow
        from hub.notify.webhooks import set_webhook
        from hub.settings import Settings

        self.hub = Hub.from_settings(Settings(_env_file=None))
        keys: dict[str, str] = {}
        with self.hub.uow() as uow:
            for name, channel in (*SENDERS, (COMMISSION, "discipline"), (BUREAU, "other"),
                                  (DOWN, "other")):
                agency, keys[name] = add_agency(uow.session, name=name, channel=channel,
                                                region_code=None)
                if name in WEBHOOKS:
                    set_webhook(uow.session, agency.id, f"{self.receiver.url}/{WEBHOOKS[name]}",
                                utcnow())
            # a section head: referrals and declines take effect at once (a reviewer's wait
            # for approval, HUB_DECISION_APPROVAL_KINDS), so the soak's hand-offs include them
            add_user(uow.session, username="soak", display_name="压测科长", role="section_head",
                     password=PASSWORD)
            uow.commit()
        self.partner.wait_ready()
        configure(self.hub, CONNECTOR, url=self.partner.url, enabled=True, interval=1,
                  page_size=50, run_now=True)
        return keys

    def _start(self) -> None:
        """The simulator and the hub's processes, started while the soak sets up."""
        self.partner = Partner(self.procs, CONNECTOR, SIM_SEED, self.profile.sim_total)
        os.environ.update({k: v for k, v in self.env.items() if k.startswith("HUB_")})
        from hub.runner import prepare  # what `hub migrate` does, without starting Python again
        from hub.settings import Settings

        prepare(Settings(_env_file=None))
        procs, ports = self.procs, self.ports
        procs.start(["api"], "api-1", HUB_PORT=str(ports[0]))
        procs.start(["api"], "api-2", HUB_PORT=str(ports[1]))
        for i in (1, 2, 3):
            procs.start(["worker"], f"worker-{i}")
        procs.start(["scheduler"], "scheduler-a")
        time.sleep(1.0)  # a's lead first, so the standby is b (either way works)
        procs.start(["scheduler"], "scheduler-b")

    def _wait_up(self) -> None:
        """Both APIs answer, every worker consumes, a scheduler leads. Generous: seven Pythons
        importing the hub at once on 2 shared cores have taken over 2 minutes."""
        procs = self.procs
        for port in self.ports:
            if not wait_for(lambda p=port: _healthy(p), 240, 0.5):
                raise RuntimeError(f"api on {port} did not start; see {self.work}")
        if not wait_for(lambda: all(procs.events(f"worker-{i}", "hub.worker.consuming")
                                    for i in (1, 2, 3))
                        and any(procs.events(n, "hub.scheduler.leader")
                                for n in ("scheduler-a", "scheduler-b")), 240, 0.5):
            raise RuntimeError(f"workers or scheduler did not start; see {self.work}")

    def _soak(self) -> bool:
        """The run itself; True when a check failed."""
        self._start()
        keys = self._setup()
        self.say("migrated; agencies, reviewer and connector set up; processes starting")
        engine = create_engine(self.url)
        try:
            self._wait_up()
            self.say("hub processes up; load starts")
            load = Load([f"http://127.0.0.1:{p}" for p in self.ports], keys, self.run_id,
                        self.stop, self.profile)
            faults = Faults(self.procs, self.receiver, self.broker, self.profile.seconds,
                            self.broker_restart, self.abort, flaky=BUREAU, down=DOWN)
            threads = [threading.Thread(target=load.pusher, args=s) for s in SENDERS]
            threads += [threading.Thread(target=load.office)]
            threads += [threading.Thread(target=load.partner, args=(a,)) for a in WEBHOOKS]
            threads += [threading.Thread(target=self.partner.grow,
                                         args=(self.profile.sim_grow, self.stop))]
            fault = threading.Thread(target=faults.run, daemon=True)
            started = time.monotonic()
            for t in [*threads, fault]:
                t.start()
            time.sleep(self.profile.seconds)
            self.stop.set()  # a fault late on its schedule (slow machine) happens while draining
            for t in threads:
                t.join(120)
            duration = time.monotonic() - started
            self.say(f"load done after {duration:.0f} s; draining")
            lag = lag_seconds(engine)
            drain_started = time.monotonic()
            drained_ok = wait_for(lambda: not fault.is_alive() and drained(engine, load.accepted)
                                  and self.partner.caught_up(engine),
                                  self.profile.drain_seconds, step=1.0)
            drain = time.monotonic() - drain_started
            self.say(f"drained={drained_ok} after {drain:.0f} s; checking")
            self.partner.stop_pulling(self.hub, engine)
            pulled_checks, pulled, pulled_keys = self.partner.books(self.hub, engine)
            checks, counts = books(engine, load.accepted | pulled_keys, dict(self.receiver.hits))
        finally:
            engine.dispose()
            self.hub.close()
        checks.insert(0, (f"pipeline drained within {self.profile.drain_seconds:.0f} s",
                          drained_ok, f"{drain:.1f} s"))
        checks[2:2] = pulled_checks
        checks += faults.checks()
        died = [n for n, p in self.procs.running.items() if p.poll() is not None]
        checks.append(("no hub process died on its own", not died, f"exited: {died}"))
        self.procs.stop_all()
        checks += self._cli_checks(engine_url=self.url)
        n = len(load.accepted)
        rows = [("duration of the load (s)", f"{duration:.1f}"), ("clues accepted (pushed)", n),
                ("clues/s", f"{n / duration:.1f}"),
                ("push latency p50 per clue (ms)", f"{pct(load.latency, 0.5) * 1000:.1f}"),
                ("push latency p99 per clue (ms)", f"{pct(load.latency, 0.99) * 1000:.1f}"),
                *pulled.items(),
                ("records pulled/s", f"{pulled['records pulled (before the cursor)'] / duration:.1f}"),
                ("pipeline lag at end of load (s)", f"{lag:.1f}"),
                ("drain after load (s)", f"{drain:.1f}"),
                ("pushes rejected / transport errors", f"{load.rejected} / "
                 f"{sum(e.startswith('push ') and 'Error' in e for e in load.errors)}"),
                ("decisions", load.decisions), ("acks", load.acks), ("final replies", load.replies),
                ("scheduler takeover (s)", _fmt(faults.takeover)),
                ("broker restart: workers consuming again (s after start_app)",
                 _fmt(faults.broker_recovery)),
                ("webhook receiver hits", dict(self.receiver.hits)),
                *counts.items()]
        _print(checks, rows, faults.done, load.errors)
        return not all(ok for _, ok, _ in checks)

    def _cli_checks(self, engine_url: str) -> list[tuple[str, bool, object]]:
        """With every process stopped: `hub webhooks failed` and `hub audit verify`."""
        def hub(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "hub", *args], env=self.env,
                                  capture_output=True, text=True, timeout=300)

        out = []
        audit = subprocess.Popen([sys.executable, "-m", "hub", "audit", "verify"], env=self.env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        listed = hub("webhooks", "failed", "--json")
        engine = create_engine(engine_url)
        try:
            with engine.connect() as c:
                failed = set(c.execute(text(
                    "SELECT id FROM webhook_deliveries WHERE state = 'failed'")).scalars())
        finally:
            engine.dispose()
        try:
            rows = orjson.loads(listed.stdout)
        except orjson.JSONDecodeError:
            rows = []
        shown = {r["id"] for r in rows}
        out.append(("`hub webhooks failed` lists exactly the failed deliveries, all of " + DOWN,
                    listed.returncode == 0 and bool(failed) and shown == failed
                    and {r["agency"] for r in rows} == {DOWN},
                    f"{len(failed)} failed, {len(shown)} listed, agencies "
                    f"{sorted({r['agency'] for r in rows})} {listed.stderr[-200:]}"))
        said = audit.communicate(timeout=300)[0]
        out.append(("hub audit verify passes", audit.returncode == 0,
                    said.strip().splitlines()[-1:]))
        return out


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}"


def _print(checks: list, rows: list, done: list[str], errors: list[str]) -> None:
    print()
    for name, ok, detail in checks:
        print(f"{'OK  ' if ok else 'FAIL'} {name}: {detail}")
    print()
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print("\nfaults:")
    for f in done:
        print(f"  - {f}")
    if errors:
        print(f"\nclient errors ({len(errors)}, first 10):")
        for e in errors[:10]:
            print(f"  {e}")
    print(f"\n{'FAILED' if not all(ok for _, ok, _ in checks) else 'all checks OK'}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, help="load time (default 120; --ci 35)")
    parser.add_argument("--ci", action="store_true",
                        help="shorter, lighter load (CI); every fault and every check still")
    parser.add_argument("--broker-restart", action=argparse.BooleanOptionalAction, default=None,
                        help="restart the RabbitMQ application with rabbitmqctl stop_app/start_app"
                             " (default: on when rabbitmqctl exists and the broker is on loopback)")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    profile = CI if args.ci else FULL
    if args.seconds:
        profile = replace(profile, seconds=args.seconds)
    import faulthandler

    faulthandler.register(signal.SIGUSR1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))  # run the cleanup
    return Soak(profile, args.broker_restart, args.keep).run()


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


if __name__ == "__main__":
    sys.exit(main())
