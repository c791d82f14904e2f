"""Soak: 2 api + 3 worker + 2 scheduler real processes on PostgreSQL and RabbitMQ, a mixed load
for a bounded time, faults injected meanwhile, then the books are checked.

    .venv/bin/python -m bench.soak --seconds 120

Needs PostgreSQL on 127.0.0.1:5432 (trust; creates and drops its own database) and RabbitMQ on
127.0.0.1:5672 (guest/guest; its own queue prefix). Not a test: prints checks and a table,
exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import http.server
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG = os.environ.get("SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AMQP = os.environ.get("SOAK_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
PASSWORD = "soak-horse-9"
SENDERS = (("十堰市中级人民法院", "court"), ("十堰市12345热线", "hotline"), ("十堰市信访局", "petition"))
COMMISSION, BUREAU = "十堰市纪委监委", "郧西县自然资源和规划局"
DECIDED = {"accepted", "declined", "assigned", "referred", "transferred", "copied", "merged",
           "closed"}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- webhook receiver
class Receiver:
    """Two partner webhooks on loopback: /ok always 200, /flaky 500 while `failing` is set."""

    def __init__(self) -> None:
        self.failing = threading.Event()
        self.hits = {"ok": 0, "flaky_200": 0, "flaky_500": 0}
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/flaky") and receiver.failing.is_set():
                    receiver.hits["flaky_500"] += 1
                    self.send_response(500)
                else:
                    receiver.hits["ok" if self.path.startswith("/ok") else "flaky_200"] += 1
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# --------------------------------------------------------------------------- processes
class Procs:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, role: str, name: str, **extra: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            [sys.executable, "-m", "hub", role], env={**self.env, **extra},
            stdout=log, stderr=subprocess.STDOUT)

    def kill(self, name: str) -> None:
        proc = self.running.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.running.values():
            proc.terminate()
        for proc in self.running.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.running.clear()

    def events(self, name: str, event: str) -> list[dict]:
        path = self.logs / f"{name}.log"
        found = []
        for line in path.read_bytes().splitlines() if path.exists() else []:
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(data, dict) and data.get("event") == event:
                found.append(data)
        return found


def wait_for(predicate, seconds: float, step: float = 0.2) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


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
    def __init__(self, urls: list[str], keys: dict[str, str], run: str, stop: threading.Event):
        self.urls, self.keys, self.run, self.stop = urls, keys, run, stop
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
            batch = i % 3 == 0
            body = ({"clues": [clue(channel, self.run) for _ in range(20)]} if batch
                    else clue(channel, self.run))
            started = time.perf_counter()
            try:
                r = client.post("/api/v1/clues/batch" if batch else "/api/v1/clues", json=body)
            except httpx.TransportError as exc:  # unknown outcome: not counted as accepted
                self._note_error(f"push {exc!r}")
                continue
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latency.append(elapsed / (20 if batch else 1))
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
            time.sleep(0.05)

    def office(self) -> None:
        client = httpx.Client(base_url=self.urls[0], timeout=30)
        opened = client.post("/api/v1/office/session", json={"username": "soak", "password": PASSWORD})
        opened.raise_for_status()
        client.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
        kinds = itertools.cycle([("assign", COMMISSION), ("refer", BUREAU), ("accept", None),
                                 ("assign", BUREAU), ("decline", None), ("refer", COMMISSION)])
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
            except httpx.TransportError as exc:
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
            except httpx.TransportError as exc:
                self._note_error(f"partner {exc!r}")


# --------------------------------------------------------------------------- faults
def faults(procs: Procs, receiver: Receiver, seconds: float, stop: threading.Event,
           done: list[str]) -> None:
    def at(fraction: float) -> bool:
        return not stop.wait(max(0.0, start + seconds * fraction - time.monotonic()))

    start = time.monotonic()
    if at(0.15):
        procs.kill("worker-1")
        procs.start("worker", "worker-4")
        done.append("SIGKILL worker-1, started worker-4")
    if at(0.30):
        leaders = [n for n in ("scheduler-a", "scheduler-b")
                   if n in procs.running and procs.events(n, "hub.scheduler.leader")]
        if leaders:
            leader = leaders[0]
            standby = "scheduler-b" if leader == "scheduler-a" else "scheduler-a"
            killed_at = time.monotonic()
            procs.kill(leader)
            took = wait_for(lambda: procs.events(standby, "hub.scheduler.leader"), 90)
            done.append(f"SIGKILL active {leader}; {standby} "
                        + (f"took over in {time.monotonic() - killed_at:.1f} s" if took
                           else "did NOT take over within 90 s"))
        else:
            done.append("no scheduler leader seen in the logs: scheduler kill skipped")
    if at(0.45):
        if shutil.which("rabbitmqctl"):
            r = subprocess.run(["rabbitmqctl", "close_all_connections", "soak: broker drop"],
                               capture_output=True, text=True, timeout=60)
            done.append("rabbitmqctl close_all_connections" +
                        ("" if r.returncode == 0 else f" FAILED rc={r.returncode}: {r.stderr[:200]}"))
        else:
            print("note: rabbitmqctl not found; broker connection drop skipped")
    if at(0.55):
        receiver.failing.set()
        done.append(f"webhook of {BUREAU} answers 500 for {seconds * 0.25:.0f} s")
    if at(0.80):
        receiver.failing.clear()


# --------------------------------------------------------------------------- books
def books(engine, accepted: set[tuple[str, str]]) -> tuple[list[tuple[str, bool, str]], dict]:
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


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    import faulthandler

    faulthandler.register(signal.SIGUSR1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))  # run the cleanup

    run = uuid.uuid4().hex[:8]
    db = f"hub_soak_{run}"
    work = Path(tempfile.mkdtemp(prefix=f"hub-soak-{run}-"))
    admin = create_engine(make_url(PG).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    url = make_url(PG).set(database=db).render_as_string(hide_password=False)
    ports = [free_port(), free_port()]
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_BROKER_URL": AMQP,
           "HUB_QUEUE_PREFIX": f"soak{run}", "HUB_KEYRING_PATH": str(work / "keyring.json"),
           "HUB_HOST": "127.0.0.1", "HUB_PORT": str(ports[0]),
           "HUB_SWEEP_INTERVAL_SECONDS": "1", "HUB_TASK_UNCLAIMED_SECONDS": "3",
           "HUB_TASK_STUCK_SECONDS": "10", "HUB_WEBHOOK_BACKOFF_SECONDS": "1",
           "HUB_WEBHOOK_BACKOFF_MAX_SECONDS": "5", "HUB_WEBHOOK_INTERVAL_SECONDS": "1",
           "HUB_WEBHOOK_MAX_ATTEMPTS": "12", "HUB_REMINDERS_INTERVAL_SECONDS": "5",
           # counted from a working day two months ahead every open hand-off is overdue
           "HUB_REMINDERS_TODAY": reminder_day().isoformat()}
    print(f"soak {run}: database {db}, logs {work}")
    subprocess.run([sys.executable, "-m", "hub", "migrate"], env=env, check=True,
                   capture_output=True)
    os.environ.update({k: v for k, v in env.items() if k.startswith("HUB_")})

    from hub.accounts.service import add_user
    from hub.agencies.service import add_agency
    from hub.container import Hub
    from hub.db.types import utcnow
    from hub.notify.webhooks import set_webhook
    from hub.settings import Settings

    receiver = Receiver()
    hub = Hub.from_settings(Settings(_env_file=None))
    keys: dict[str, str] = {}
    with hub.uow() as uow:
        for name, channel in (*SENDERS, (COMMISSION, "discipline"), (BUREAU, "other")):
            agency, keys[name] = add_agency(uow.session, name=name, channel=channel,
                                            region_code=None)
            if name == COMMISSION:
                set_webhook(uow.session, agency.id, f"{receiver.url}/ok", utcnow())
            if name == BUREAU:
                set_webhook(uow.session, agency.id, f"{receiver.url}/flaky", utcnow())
        add_user(uow.session, username="soak", display_name="压测科员", role="reviewer",
                 password=PASSWORD)
        uow.commit()
    hub.close()

    engine = create_engine(url)
    procs = Procs(env, work)
    stop = threading.Event()
    load = Load([f"http://127.0.0.1:{p}" for p in ports], keys, run, stop)
    injected: list[str] = []
    failed = True
    try:
        procs.start("api", "api-1", HUB_PORT=str(ports[0]))
        procs.start("api", "api-2", HUB_PORT=str(ports[1]))
        for i in (1, 2, 3):
            procs.start("worker", f"worker-{i}")
        procs.start("scheduler", "scheduler-a")
        time.sleep(1.0)  # a's lead first, so the standby is b (either way works)
        procs.start("scheduler", "scheduler-b")
        for port in ports:
            if not wait_for(lambda p=port: _healthy(p), 60):
                raise RuntimeError(f"api on {port} did not start; see {work}")
        threads = [threading.Thread(target=load.pusher, args=s) for s in SENDERS]
        threads += [threading.Thread(target=load.office),
                    threading.Thread(target=load.partner, args=(COMMISSION,)),
                    threading.Thread(target=load.partner, args=(BUREAU,))]
        fault = threading.Thread(target=faults, args=(procs, receiver, args.seconds, stop, injected))
        started = time.monotonic()
        for t in [*threads, fault]:
            t.start()
        stop.wait(args.seconds)
        stop.set()
        for t in [*threads, fault]:
            t.join(120)
        duration = time.monotonic() - started
        print(f"load done after {duration:.0f} s; draining", flush=True)
        lag = lag_seconds(engine)
        drain_started = time.monotonic()
        drained_ok = wait_for(lambda: drained(engine, load.accepted), 180, step=1.0)
        drain = time.monotonic() - drain_started
        print(f"drained={drained_ok} after {drain:.0f} s; checking", flush=True)
        checks, counts = books(engine, load.accepted)
        checks.insert(0, ("pipeline drained within 180 s", drained_ok, f"{drain:.1f} s"))
        live = [n for n, p in procs.running.items() if p.poll() is not None]
        checks.append(("no hub process died on its own", not live, f"exited: {live}"))
        procs.stop_all()
        audit = subprocess.run([sys.executable, "-m", "hub", "audit", "verify"], env=env,
                               capture_output=True, text=True, timeout=300)
        checks.append(("hub audit verify passes", audit.returncode == 0,
                       (audit.stdout + audit.stderr).strip().splitlines()[-1:]))
        print()
        for name, ok, detail in checks:
            print(f"{'OK  ' if ok else 'FAIL'} {name}: {detail}")
        failed = not all(ok for _, ok, _ in checks)
        n = len(load.accepted)
        rows = [("duration (s)", f"{duration:.1f}"), ("clues accepted", n),
                ("clues/s", f"{n / duration:.1f}"),
                ("push latency p50 per clue (ms)", f"{pct(load.latency, 0.5) * 1000:.1f}"),
                ("push latency p99 per clue (ms)", f"{pct(load.latency, 0.99) * 1000:.1f}"),
                ("pipeline lag at end of load (s)", f"{lag:.1f}"),
                ("drain after load (s)", f"{drain:.1f}"),
                ("pushes rejected / transport errors", f"{load.rejected} / "
                 f"{sum(e.startswith('push httpx') or e.startswith('push Transport') for e in load.errors)}"),
                ("decisions", load.decisions), ("acks", load.acks), ("final replies", load.replies),
                ("faults injected", len(injected)),
                ("webhook receiver hits", receiver.hits),
                *counts.items()]
        print()
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            print(f"{key:<{width}}  {value}")
        print("\nfaults:")
        for f in injected:
            print(f"  - {f}")
        if load.errors:
            print(f"\nclient errors ({len(load.errors)}, first 10):")
            for e in load.errors[:10]:
                print(f"  {e}")
    finally:
        stop.set()
        procs.stop_all()
        engine.dispose()
        receiver.server.shutdown()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
            _delete_queues(f"soak{run}")
        admin.dispose()
    return 1 if failed else 0


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _delete_queues(prefix: str) -> None:
    if not shutil.which("rabbitmqctl"):
        return
    listed = subprocess.run(["rabbitmqctl", "list_queues", "-q", "name"], capture_output=True,
                            text=True, timeout=60)
    for name in listed.stdout.split():
        if name.startswith(prefix):
            subprocess.run(["rabbitmqctl", "delete_queue", name], capture_output=True, timeout=60)


if __name__ == "__main__":
    sys.exit(main())
