"""Push synthetic clues through a running hub, single and batch; compare with the bare limits.

    .venv/bin/python bench/ingest.py                 # embedded default (SQLite + memory://)
    .venv/bin/python bench/ingest.py --backend server   # PostgreSQL + RabbitMQ on 127.0.0.1

Prints one table: the hub's figures beside the limits measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import synth  # noqa: E402
from bench.bare_endpoint import bare_clues, metadata  # noqa: E402  (table only)
from bench.pg_statements import OWN_STATEMENT  # noqa: E402

PG = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AMQP = os.environ.get("HUB_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_database(backend: str, work: Path, name: str) -> str:
    """A new empty database: each call its own, so no two phases share stored data."""
    if backend == "embedded":
        return f"sqlite:///{work}/{name}_{uuid.uuid4().hex[:6]}.db"
    db = f"bench_{name}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(make_url(PG).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    admin.dispose()
    return make_url(PG).set(database=db).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm", "-journal"):
            if path:
                Path(path + suffix).unlink(missing_ok=True)
        return
    db = make_url(url).database
    admin = create_engine(make_url(PG).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
    admin.dispose()


class Hub:
    """The hub under test, as real processes."""

    def __init__(self, backend: str, work: Path, api_processes: int, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = new_database(backend, work, "hub")
        self.env = {**os.environ, "HUB_DATABASE_URL": self.database_url,
                    "HUB_KEYRING_PATH": str(work / "keyring.json"), "HUB_PORT": str(self.port),
                    "HUB_QUEUE_PREFIX": f"bench-{uuid.uuid4().hex[:6]}", "HUB_LOG_LEVEL": "WARNING",
                    "HUB_RATE_LIMIT_PER_SECOND": "0",  # measuring the hub, not its limit
                    "HUB_BROKER_URL": "memory://" if backend == "embedded" else AMQP}
        self.backend, self.work = backend, work
        self.api_processes, self.workers = api_processes, workers
        self.procs: list[subprocess.Popen] = []
        self._engine = self._poll = None  # the bench's own connection, for processed()
        self._poll_pid: int | None = None  # its PostgreSQL backend

    def cli(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "hub", *args], env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def start(self) -> str:
        self.cli("keys", "init")
        self.cli("migrate")
        key = json.loads(self.cli("agency", "add", "--name", "基准测试单位", "--channel", "hotline",
                                  "--json"))["api_key"]
        out = Path(__file__).resolve().parent / "out"
        out.mkdir(exist_ok=True)
        log = (out / f"hub-{self.backend}.log").open("wb")
        if self.backend == "embedded":
            roles = [["run"]]
        else:
            roles = [["api", "--processes", str(self.api_processes)], ["scheduler"]]
            roles += [["worker"]] * self.workers
        self.roles = [role[0] for role in roles]
        for role in roles:
            self.procs.append(subprocess.Popen([sys.executable, "-m", "hub", *role], env=self.env,
                                               stdout=log, stderr=subprocess.STDOUT))
        try:
            wait_http(f"{self.url}/healthz")
            from bench import proc_cpu

            proc_cpu.settle(lambda: [pid for p in self.procs for pid in proc_cpu.tree(p.pid)])
        except BaseException:
            self.stop()
            raise
        return key

    def processed(self) -> int:
        """Clues past the pipeline (as /metrics counts them: neither before review nor
        failed), read from the database: cheap enough to ask every 50 ms, where a look at
        /metrics (every count of the hub) was asked once a second, and the end of a run of
        3,000 clues was seen up to a second late.

        Asked on one connection of the bench's own, kept open: on PostgreSQL its backend is
        left out of the hub's CPU (`meter`) and its statements out of the hub's
        (`OWN_STATEMENT` in bench/pg_statements.py). Counted in, the two counts every 50 ms
        were 12 % of the database time of a 3,000-clue batch run."""
        if self._poll is None:
            self._engine = create_engine(self.database_url, isolation_level="AUTOCOMMIT")
            self._poll = self._engine.connect()
            if self.backend == "server":
                self._poll_pid = self._poll.execute(text("SELECT pg_backend_pid()")).scalar_one()
        total, not_processed = self._poll.execute(text(
            f"{OWN_STATEMENT} SELECT count(*), count(*) FILTER (WHERE status IN "
            "('received', 'normalized', 'correlated', 'failed')) FROM clues")).one()
        return total - not_processed

    def meter(self):  # noqa: ANN201
        """CPU by process kind (bench/proc_cpu.py): API, workers, PostgreSQL, broker."""
        from bench import proc_cpu

        def role(name: str):  # noqa: ANN202
            return lambda: [pid for r, p in zip(self.roles, self.procs, strict=True) if r == name
                            for pid in proc_cpu.tree(p.pid)]

        kinds = {"api": role("api"), "worker": role("worker"), "scheduler": role("scheduler")}
        if self.backend == "embedded":
            kinds = {"hub (API + worker + scheduler)": role("run")}
        else:
            engine = create_engine(make_url(PG).set(database="postgres"))
            database = make_url(self.database_url).database
            kinds["postgres"] = lambda: proc_cpu.postgres_backends(  # not the bench's own
                engine, database, {self._poll_pid})
            kinds["broker"] = lambda: proc_cpu.named("beam.smp")
        return proc_cpu.Meter(kinds)

    def api_processes_meter(self):  # noqa: ANN201
        """CPU of each API process on its own (how evenly they share the load)."""
        from bench import proc_cpu

        pids = [pid for r, p in zip(self.roles, self.procs, strict=True) if r in ("api", "run")
                for pid in proc_cpu.tree(p.pid) if pid != p.pid] if self.backend != "embedded" else []
        return proc_cpu.Meter({str(pid): (lambda pid=pid: [pid]) for pid in pids})

    def requests_per_transaction(self) -> float:
        """Single pushes per write transaction: the recorder stamps one `received_at` on every
        raw record of a transaction, so distinct stamps count the transactions."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                bodies, transactions = conn.execute(text(
                    "SELECT count(*), count(DISTINCT received_at) FROM raw_records "
                    "WHERE origin = 'api'")).one()
        finally:
            engine.dispose()
        return bodies / transactions if transactions else 0.0

    def lock_waits(self):  # noqa: ANN201
        """Sampled advisory-lock waits of the hub's database (PostgreSQL), or None."""
        if self.backend == "embedded":
            return None
        from bench import proc_cpu

        engine = create_engine(make_url(PG).set(database="postgres"))
        return proc_cpu.LockWaits(engine, make_url(self.database_url).database)

    def statements(self):  # noqa: ANN201
        """The hub's database in pg_stat_statements (bench/pg_statements.py), or None."""
        if self.backend == "embedded":
            return None
        from bench.pg_statements import Statements

        admin = make_url(PG).set(database="postgres").render_as_string(hide_password=False)
        return Statements.open(admin, make_url(self.database_url).database)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(30)
        if self._poll is not None:
            self._poll.close()
            self._engine.dispose()
        drop_database(self.database_url)
        if self.backend == "server":
            delete_queues(AMQP, self.env["HUB_QUEUE_PREFIX"])


def delete_queues(url: str, prefix: str) -> None:
    """The hub's queues and exchanges under `prefix`, gone from the shared broker."""
    from kombu import Connection

    from hub.pipeline.stages import pipeline
    from hub.queue.bus import dead_letter_exchange, dead_letter_queue, exchange, stage_queue
    from hub.settings import Settings

    with Connection(url) as conn:
        channel = conn.channel()
        for stage in pipeline(Settings(_env_file=None)):
            stage_queue(prefix, stage)(channel).delete()
        dead_letter_queue(prefix)(channel).delete()
        exchange(prefix)(channel).delete()
        dead_letter_exchange(prefix)(channel).delete()


def wait_http(url: str, seconds: float = 300) -> None:  # starting is slow on a busy machine
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def push(url: str, path: str, bodies: list, key: str | None, concurrency: int) -> list[float]:
    """POST every body with `concurrency` clients at once; latencies in seconds."""
    latencies: list[float] = []
    queue: asyncio.Queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post(path, json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")

    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
    return latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def wait_processed(hub: Hub, total: int, seconds: float = 1800) -> None:
    deadline = time.monotonic() + seconds
    while hub.processed() < total:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {hub.processed()} of {total} processed")
        time.sleep(0.05)


def bench_hub(args, work: Path, singles: list, batches: list) -> dict:
    """One hub on a new empty database: the single pushes, then the batches (either may be
    empty). To compare batch figures, give each batch run its own hub: a hub that first
    stored the single pushes pays more per clue for the batches."""
    hub = Hub(args.backend, work, args.api_processes, args.workers)
    key = hub.start()
    figures: dict = {"workers": args.workers, "backend": args.backend}
    try:
        meter = hub.meter()
        if singles:
            figures.update(_single_phase(hub, key, meter, args, singles))
        if batches:
            figures.update(_batch_phase(hub, key, meter, args, batches, before=len(singles)))
        if args.keep_running:
            input(f"hub at {hub.url}; press Enter to stop")
    finally:
        hub.stop()
    return figures


def _single_phase(hub: Hub, key: str, meter, args, singles: list) -> dict:  # noqa: ANN001
    split = hub.api_processes_meter()
    meter.start()
    split.start()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    latencies = asyncio.run(push(hub.url, "/api/v1/clues", singles, key, args.concurrency))
    rps = len(singles) / (time.perf_counter() - started)
    api_split = split.stop()
    load = max(load, os.getloadavg()[0])
    per_transaction = hub.requests_per_transaction()
    wait_processed(hub, len(singles))
    e2e = len(singles) / (time.perf_counter() - started)
    cpu = meter.stop()
    busy = sum(api_split.values())
    return {"single_rps": rps, "single_e2e": e2e, "single_p50": pct(latencies, 50),
            "single_p99": pct(latencies, 99), "single_load": load,
            "single_per_transaction": per_transaction,
            # CPU µs per clue by process kind (/proc)
            "single_cpu_us": {k: v / len(singles) * 1e6 for k, v in cpu.items()},
            # each API process's share of the API's CPU while single pushes ran, largest first
            "api_split": sorted((v / busy for v in api_split.values() if busy and v / busy >= 0.01),
                                reverse=True)}


def _batch_phase(hub: Hub, key: str, meter, args, batches: list, before: int) -> dict:  # noqa: ANN001
    in_batches = sum(len(b["clues"]) for b in batches)
    load = os.getloadavg()[0]
    waits = hub.lock_waits()
    statements = hub.statements()
    if statements:
        statements.reset()  # this database only: the start-up's statements are not counted
    meter.start()
    started = time.perf_counter()
    if waits:
        waits.__enter__()
    try:
        latencies = asyncio.run(push(hub.url, "/api/v1/clues/batch", batches, key,
                                     args.batch_clients))
        wait_processed(hub, before + in_batches)
    finally:
        if waits:
            waits.__exit__()
    seconds = time.perf_counter() - started
    cpu = meter.stop()
    figures = {"batch_e2e": in_batches / seconds, "batch_seconds": seconds,
               "batch_clues": in_batches, "batch_p50": pct(latencies, 50),
               "batch_p99": pct(latencies, 99), "batch_load": load,
               "batch_cpu_us": {k: v / in_batches * 1e6 for k, v in cpu.items()},
               "lock_wait_us": waits.seconds / in_batches * 1e6 if waits else None,
               "statements": []}
    if statements:
        from bench import pg_statements

        try:
            found, total = statements.read()
        finally:
            statements.close()
        figures["statements"] = pg_statements.lines(found, total, in_batches)
        figures["postgres_statements_us"] = total.ms * 1000 / in_batches
        print("\n".join(figures["statements"]), flush=True)
    return figures


def split_text(shares: list[float]) -> str:
    return " / ".join(f"{share:.0%}" for share in shares) or "one process"


def bench_bare_endpoint(args, work: Path, singles: list) -> dict | None:
    """The bare endpoint's figures for the same requests, or None when there are none."""
    if not singles:
        return None
    url = new_database(args.backend, work, "bare")
    port = free_port()
    env = {**os.environ, "BARE_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "bench.bare_endpoint:app_from_env", "--port",
                             str(port), "--log-level", "warning", "--no-access-log"],
                            env=env, cwd=Path(__file__).resolve().parent.parent)
    try:
        from bench import proc_cpu

        wait_http(f"http://127.0.0.1:{port}/docs")
        cpu = proc_cpu.cpu_seconds(proc.pid)
        started = time.perf_counter()
        lat = asyncio.run(push(f"http://127.0.0.1:{port}", "/clues", singles, None, args.concurrency))
        elapsed = time.perf_counter() - started
        cpu = proc_cpu.cpu_seconds(proc.pid) - cpu
    finally:
        proc.terminate()
        proc.wait(30)
        drop_database(url)
    return {"rps": len(singles) / elapsed, "p50": pct(lat, 50), "p99": pct(lat, 99),
            "cpu_us": cpu / len(singles) * 1e6}  # the endpoint's process, µs per request


def bench_executemany(args, work: Path, rows: list) -> float | None:
    """Rows a second of a bare SQLAlchemy INSERT of `rows`, or None when there are none."""
    from hub.db.engine import make_engine

    if not rows:
        return None

    url = new_database(args.backend, work, "many")
    engine = make_engine(url)
    metadata.create_all(engine)
    values = [{"source_ref": r["source_ref"], "channel": r["channel"], "title": r["title"],
               "content": r["content"]} for r in rows]
    started = time.perf_counter()
    for start in range(0, len(values), 500):
        with engine.begin() as conn:
            conn.execute(insert(bare_clues), values[start:start + 500])
    elapsed = time.perf_counter() - started
    engine.dispose()
    drop_database(url)
    return len(values) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="clues in all")
    parser.add_argument("--single", type=int, default=5000,
                        help="of which pushed one by one (0: batches only)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--batch-clients", type=int, default=4)
    parser.add_argument("--backend", choices=["embedded", "server"], default="embedded")
    parser.add_argument("--api-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-running", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-limits", action="store_true", help="measure the hub only")
    args = parser.parse_args()
    data = synth.clues(args.n, seed=random.randint(1, 10**6), prefix=uuid.uuid4().hex[:6])
    singles, rest = data[: args.single], data[args.single :]
    batches = [{"clues": rest[i : i + 500]} for i in range(0, len(rest), 500)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Each phase on a hub of its own, from an empty database: the cost of a clue grows
        # with what is stored, so batches after the single pushes would pay for them.
        hub: dict = {}
        if singles:
            print(f"[1/4] hub ({args.backend}, new database): {len(singles)} single pushes …",
                  flush=True)
            hub.update(bench_hub(args, work, singles, []))
        if batches:
            print(f"[2/4] hub ({args.backend}, new database): {len(rest)} in batches of 500 …",
                  flush=True)
            hub.update(bench_hub(args, work, [], batches))
        if args.skip_limits:
            print({k: v for k, v in hub.items() if k != "statements"})
            return
        if singles:
            print("[3/4] bare FastAPI endpoint, one INSERT per request …", flush=True)
        bare = bench_bare_endpoint(args, work, singles)
        print("[4/4] bare SQLAlchemy executemany …", flush=True)
        many = bench_executemany(args, work, rest)
    report(args, hub, bare, many)


def batch_target(backend: str) -> int:
    """Issue 13: ≥ 1,500 clues/s embedded (SQLite + in-memory queue, `hub run`), ≥ 1,000 on
    PostgreSQL + RabbitMQ."""
    return 1500 if backend == "embedded" else 1000


def _ratio(value: float, limit: float | None, fmt: str = "{:.0%}") -> str:
    return fmt.format(value / limit) if limit else ""


def report(args, hub: dict, bare: dict | None, many: float | None) -> None:
    rows = []
    if "single_rps" in hub:
        bare = bare or {"rps": 0.0, "p50": 0.0, "p99": 0.0, "cpu_us": 0.0}
        # embedded: one process is API and worker together
        api_us = hub["single_cpu_us"].get("api", sum(hub["single_cpu_us"].values()))
        rows += [
            ("single push, requests/s (API)", f"{hub['single_rps']:.0f}", f"{bare['rps']:.0f}",
             _ratio(hub["single_rps"], bare["rps"]), "≥ 60% of bare"),
            ("single push, clues/s end to end", f"{hub['single_e2e']:.0f}", "", "", ""),
            ("single push p50 ms", f"{hub['single_p50']:.1f}", f"{bare['p50']:.1f}", "", ""),
            ("single push p99 ms", f"{hub['single_p99']:.1f}", f"{bare['p99']:.1f}",
             _ratio(hub["single_p99"], bare["p99"], "{:.2f}×"), "≤ 1.5 × bare p99"),
            ("single push, API CPU µs per request", f"{api_us:,.0f}", f"{bare['cpu_us']:,.0f}",
             _ratio(api_us, bare["cpu_us"], "{:.1f}×"), ""),
            ("single push, requests per write transaction",
             f"{hub['single_per_transaction']:.1f}", "", "", ""),
            ("single push, CPU share of each API process", split_text(hub["api_split"]), "", "",
             "even"),
            ("single push, load average (1 min)", f"{hub['single_load']:.1f}", "", "", ""),
        ]
    if "batch_e2e" in hub:
        rows += [
            ("batch, clues/s end to end (new database)", f"{hub['batch_e2e']:.0f}",
             f"{many:.0f}" if many else "", _ratio(hub["batch_e2e"], many),
             f"≥ {batch_target(args.backend):,}"),
            ("batch of 500 p50 / p99 ms", f"{hub['batch_p50']:.0f} / {hub['batch_p99']:.0f}",
             "", "", ""),
        ]
    for phase in ("batch", "single"):
        cpu = hub.get(f"{phase}_cpu_us")
        if not cpu:
            continue
        rows.append((f"{phase}: CPU µs per clue, all processes", f"{sum(cpu.values()):,.0f}", "",
                     "", "≤ 1,200"))
        rows += [(f"  {kind}", f"{us:,.0f}", "", "", "") for kind, us in cpu.items()]
    if hub.get("lock_wait_us") is not None:
        rows.append(("batch: lock wait µs per clue (sampled)", f"{hub['lock_wait_us']:,.0f}", "",
                     "", ""))
    print(f"\nbackend: {args.backend}, {args.n} clues ({args.single} single), "
          f"{args.concurrency} concurrent single clients, {os.cpu_count()} cores; "
          "each phase on a hub with a new database")
    head = ("figure", "hub", "limit", "hub/limit", "target")
    widths = [max(len(str(r[i])) for r in [head, *rows]) + 2 for i in range(5)]
    for row in [head, tuple("-" * (w - 2) for w in widths), *rows]:
        print("".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    if hub.get("statements"):
        print()
        print("\n".join(hub["statements"]))


if __name__ == "__main__":
    main()
