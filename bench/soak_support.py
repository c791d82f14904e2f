"""Parts of bench/soak.py: the webhook receiver, the hub's processes, the broker (rabbitmqctl),
and the partner simulator the connector pulls from, with the books of what it pulled."""

from __future__ import annotations

import atexit
import base64
import contextlib
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson
from sqlalchemy import text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], object], seconds: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --------------------------------------------------------------------------- webhook receiver
class Receiver:
    """Partner webhooks on loopback: /ok always 200, /flaky 500 while `failing` is set,
    /down always 500 (its deliveries must end `failed`)."""

    def __init__(self) -> None:
        self.failing = threading.Event()
        self.hits = Counter()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.strip("/").split("/")[0]
                status = 500 if path == "down" or (path == "flaky" and receiver.failing.is_set()) \
                    else 200
                receiver.hits[f"{path} {status}"] += 1
                self.send_response(status)
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

    def start(self, args: list[str], name: str, **extra: str) -> None:
        """`python -m hub ARGS…` as process `name`, its output in `<logs>/<name>.log`."""
        log = (self.logs / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            [sys.executable, "-m", "hub", *args], env={**self.env, **extra},
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
                proc.wait(10)
        self.running.clear()

    def logs_names(self) -> list[str]:
        """Every process that ran, alive or not (by its log)."""
        return sorted(p.stem for p in self.logs.glob("*.log"))

    def mark(self, name: str) -> int:
        """Where the process's log ends now (for events logged after this moment)."""
        path = self.logs / f"{name}.log"
        return path.stat().st_size if path.exists() else 0

    def events(self, name: str, event: str | tuple[str, ...], since: int = 0) -> list[dict]:
        """The process's log events named `event` (or any of them), in order."""
        wanted = (event,) if isinstance(event, str) else event
        path = self.logs / f"{name}.log"
        found = []
        if not path.exists():
            return found
        with path.open("rb") as f:
            f.seek(since)
            lines = f.read().splitlines()
        for line in lines:
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(data, dict) and data.get("event") in wanted:
                found.append(data)
        return found


# --------------------------------------------------------------------------- broker
def _ctl(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=timeout)


class Broker:
    """The RabbitMQ node on this machine, driven with rabbitmqctl.

    With rabbitmqctl the soak gets a vhost of its own (named as its prefix; `url` points
    into it), so dropping its connections (`close_all_connections -p`) drops no one else's;
    `delete_queues()` deletes the vhost. `restart()` stops the RabbitMQ application
    (`stop_app`, the Erlang node stays up: every vhost goes down) and starts it again, only
    when no one else is connected (`others_connected`). Whatever happens - the soak crashing,
    SIGINT, SIGTERM - `close()` (called from the soak's `finally` and at exit) starts it again
    if it may be stopped.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self.url, self.prefix = url, prefix
        # rabbitmqctl needs the node's cookie (root or the rabbitmq user): check it answers.
        self.ctl = shutil.which("rabbitmqctl") is not None and _ctl("-q", "list_vhosts",
                                                                     timeout=60).returncode == 0
        self.vhost = self._own_vhost() if self.ctl else None
        if self.vhost:
            self.url = urlunsplit(urlsplit(url)._replace(path=f"/{self.vhost}"))
        self._busy = threading.Lock()  # held for the whole restart
        self._maybe_down = False
        self._closed = False
        atexit.register(self.close)

    @property
    def loopback(self) -> bool:
        return (urlsplit(self.url).hostname or "") in ("127.0.0.1", "localhost", "::1")

    def _own_vhost(self) -> str | None:
        user = urlsplit(self.url).username or "guest"
        made = _ctl("-q", "add_vhost", self.prefix).returncode == 0 and _ctl(
            "-q", "set_permissions", "-p", self.prefix, user, ".*", ".*", ".*").returncode == 0
        return self.prefix if made else None

    def close_all_connections(self) -> str:
        """The soak's connections (its vhost's), never another's."""
        if not self.vhost:
            return " skipped: the soak has no vhost of its own"
        r = _ctl("close_all_connections", "-p", self.vhost, "soak: broker drop")
        return "" if r.returncode == 0 else f" FAILED rc={r.returncode}: {r.stderr[:200]}"

    def others_connected(self, pids: list[int]) -> list[str]:
        """Broker connections that are not from `pids` (our hub processes): a restart of the
        broker would hit someone else (a test suite, another soak). Ours are told apart by
        the client's TCP port; a connection opened meanwhile makes it look busy (safe side)."""
        for _ in range(3):
            listed = _ctl("list_connections", "-q", "--no-table-headers", "peer_host", "peer_port", "name")
            if listed.returncode != 0:
                return [f"rabbitmqctl list_connections rc={listed.returncode}"]
            ours = _client_ports(pids, urlsplit(self.url).port or 5672)
            others = [line for line in listed.stdout.splitlines() if line.strip()
                      and (len(line.split()) < 2 or not line.split()[1].isdigit()
                           or int(line.split()[1]) not in ours)]
            if not others:
                return []
            time.sleep(1)
        return others

    def restart(self, down_seconds: float, abort: threading.Event) -> tuple[bool, str]:
        """stop_app, wait, start_app. (done, what happened)."""
        with self._busy:
            if self._closed:
                return False, "soak ending: broker restart not started"
            self._maybe_down = True
            try:
                r = _ctl("stop_app")
                if r.returncode != 0:
                    return False, f"rabbitmqctl stop_app FAILED rc={r.returncode}: {r.stderr[:200]}"
                abort.wait(down_seconds)
            finally:
                started = self._start()
        return started, "" if started else "rabbitmqctl start_app FAILED"

    def _start(self) -> bool:
        for _ in range(3):
            r = _ctl("start_app")
            if r.returncode == 0:
                _ctl("await_startup", timeout=120)
                self._maybe_down = False
                return True
            time.sleep(2)
        print(f"!! rabbitmqctl start_app failed: {r.stderr[:300]}; run it by hand", flush=True)
        return False

    def close(self) -> None:
        """Never leave the broker stopped: wait for a restart under way, start it if needed."""
        self._closed = True
        got = self._busy.acquire(timeout=180)
        try:
            if self._maybe_down:
                print("starting the RabbitMQ application again (rabbitmqctl start_app)", flush=True)
                self._start()
        finally:
            if got:
                self._busy.release()

    def delete_queues(self) -> None:
        """Our vhost, with everything in it; without one, our queues and exchanges (by the
        prefix), over AMQP: one connection, quick."""
        from kombu import Connection

        if self.vhost:
            r = _ctl("-q", "delete_vhost", self.vhost)
            if r.returncode != 0:
                print(f"note: could not delete the soak's vhost {self.vhost}; "
                      f"rabbitmqctl delete_vhost {self.vhost} by hand", flush=True)
            return

        from hub.queue.bus import DEAD_LETTERS

        names = {f"{self.prefix}.{stage}" for stage in ("normalize", "correlate", "route",
                                                          DEAD_LETTERS)}
        if self.ctl:
            listed = _ctl("list_queues", "-q", "--no-table-headers", "name")
            names |= {n for n in listed.stdout.split() if n.startswith(self.prefix)}
        try:
            with Connection(self.url, connect_timeout=10) as conn:
                for name in sorted(names):
                    conn.default_channel.queue_delete(name)
                for name in (self.prefix, f"{self.prefix}.dlx"):
                    conn.default_channel.exchange_delete(name)
        except Exception as exc:  # leftovers are named soak<id>.*: say so, never hide it
            print(f"note: could not delete the soak's queues ({exc!r}); "
                  f"delete the queues {self.prefix}.* by hand", flush=True)


def _with_children(pids: list[int]) -> list[int]:
    """The processes and their children (`hub api --processes N` forks)."""
    out, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        out.append(pid)
        with contextlib.suppress(OSError):  # gone meanwhile
            todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return out


def _client_ports(pids: list[int], server_port: int) -> set[int]:
    """Local TCP ports of `pids`' connections to `server_port` (from /proc; needs root or
    the same user)."""
    inodes: set[str] = set()
    for pid in _with_children(pids):
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local, remote, inode = cols[1], cols[2], cols[9]
            if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == server_port:
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


# --------------------------------------------------------------------------- pulled partner
class Partner:
    """A partner system's simulator as its own process (`hub simulate`), a connector pulling
    it, and new records added at the partner's end every second (`POST /_grow`)."""

    def __init__(self, procs: Procs, connector: str, seed: int, total: int) -> None:
        self.procs, self.connector, self.seed = procs, connector, seed
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.name = f"simulator-{connector}"
        procs.start(["simulate", connector, "--port", str(self.port), "--seed", str(seed),
                     "--total", str(total), "--page-size", "50"], self.name)

    def wait_ready(self) -> None:
        if not wait_for(self.stats, 90):
            raise RuntimeError(f"simulator {self.connector} did not start; see {self.procs.logs}")

    def stats(self) -> dict | None:
        try:
            return httpx.get(f"{self.url}/_stats", timeout=5).json()
        except httpx.HTTPError:
            return None

    def grow(self, per_second: int, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            with contextlib.suppress(httpx.HTTPError):  # next second
                httpx.post(f"{self.url}/_grow", json={"count": per_second}, timeout=10)

    def position(self, engine) -> int:  # noqa: ANN001
        """How far the hub's saved cursor has got (records before it are committed)."""
        with engine.connect() as c:
            cursor = c.execute(text("SELECT cursor FROM connector_states WHERE name = :n"),
                               {"n": self.connector}).scalar()
        if not cursor:
            return 0
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw.rpartition(":")[2])

    def stop_pulling(self, hub, engine) -> bool:  # noqa: ANN001
        """Disable the connector and wait for a run under way (one a second) to end, so the
        books see no run `running` but an orphaned one."""
        from hub.collect.config import configure

        configure(hub, self.connector, enabled=False)

        def idle() -> bool:
            with engine.connect() as c:
                return not c.execute(text("SELECT count(*) FROM connector_runs WHERE connector"
                                          " = :n AND status = 'running'"),
                                     {"n": self.connector}).scalar()
        return wait_for(idle, 30, 0.5)

    def caught_up(self, engine) -> bool:  # noqa: ANN001
        stats = self.stats()
        return stats is not None and self.position(engine) >= stats["records"]

    def books(self, hub, engine) -> tuple[list, dict, set[tuple[str, str]]]:  # noqa: ANN001
        """Every record before the cursor kept raw exactly once, and each clue among them
        exactly one clue: (checks, counts, the pulled clues as (agency name, source_ref))."""
        from connectors.registry import CONNECTORS
        from hub.collect.service import map_record
        from hub.intake.service import raw_aad

        spec = CONNECTORS[self.connector]
        served = self.position(engine)
        stream = spec.generate_records(self.seed, served)
        kinds: Counter = Counter()
        refs: set[str] = set()
        for record in stream:
            mapped = map_record(spec, record)
            kinds[mapped.kind] += 1
            if mapped.kind == "clue":
                refs.add(mapped.submission.source_ref)
        with engine.connect() as c:
            agency_id, agency = c.execute(text(
                "SELECT s.agency_id, a.name FROM connector_states s JOIN agencies a"
                " ON a.id = s.agency_id WHERE s.name = :n"), {"n": self.connector}).one()
            raws = c.execute(text("SELECT agency_id, body_enc FROM raw_records"
                                  " WHERE connector = :n"), {"n": self.connector}).all()
            stored = Counter(c.execute(text("SELECT source_ref FROM clues WHERE agency_id = :a"),
                                       {"a": agency_id}).scalars())
            runs = dict(c.execute(text("SELECT status, count(*) FROM connector_runs"
                                       " WHERE connector = :n GROUP BY status"),
                                  {"n": self.connector}).all())
            dead = c.execute(text("SELECT count(*) FROM dead_letters WHERE connector = :n"),
                             {"n": self.connector}).scalar()
        kept = Counter(orjson.dumps(orjson.loads(hub.cipher.decrypt(body, raw_aad(a))),
                                    option=orjson.OPT_SORT_KEYS) for a, body in raws)
        want = Counter(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in stream)
        missing, extra = want - kept, kept - want
        doubled = [r for r, n in stored.items() if n > 1]
        stats = self.stats() or {}
        checks = [
            (f"{self.connector}: every record before the hub's cursor kept raw exactly once",
             served > 0 and not missing and not extra,
             f"{served} records before the cursor, {len(raws)} raw kept, "
             f"{sum(missing.values())} missing, {sum(extra.values())} extra"),
            (f"{self.connector}: every pulled clue record became exactly one clue",
             set(stored) == refs and not doubled,
             f"{len(refs)} distinct clue refs expected, {len(stored)} stored, "
             f"{len(refs - set(stored))} missing, {len(set(stored) - refs)} unexpected, "
             f"{len(doubled)} doubled"),
            (f"{self.connector}: the connector caught up with the partner, no run left running",
             served == stats.get("records") and not runs.get("running"),
             f"cursor at {served} of {stats.get('records')}; runs {runs}"),
        ]
        counts = {"records pulled (before the cursor)": served,
                  "pulled: clue / not clue / refused": f"{kinds['clue']} / {kinds['not_clue']} / "
                                                       f"{kinds['refused']} (dead letters {dead})",
                  "simulator served (incl. re-reads)": stats.get("records_served"),
                  "connector runs": runs}
        return checks, counts, {(agency, ref) for ref in refs}
