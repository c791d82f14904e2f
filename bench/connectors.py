"""Pull 100,000 native records from a simulator through the hub into `pending_review`.

    .venv/bin/python bench/connectors.py                    # embedded default: `hub run`
    .venv/bin/python bench/connectors.py --backend server   # PostgreSQL + RabbitMQ: hub api,
                                                            # hub scheduler, hub worker ×N

Everything runs as real processes: the partner's simulator (`hub simulate`), and the hub. The
connector is enabled, the scheduler pulls it page by page, the workers normalize; the clock
starts when the run starts (its `started_at`) and stops when the run is over and every clue it
made is in `pending_review`. CPU µs per record by process kind (API, workers, scheduler,
PostgreSQL backends, broker, the simulator) is read from /proc, as in bench/ingest.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.ingest import (  # noqa: E402
    AMQP,
    PG,
    delete_queues,
    drop_database,
    free_port,
    new_database,
    wait_http,
)
from bench.pg_statements import OWN_STATEMENT  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.database_url = new_database(args.backend, work, "connectors")
        self.port, self.partner_port = free_port(), free_port()
        self.env = {**os.environ, "HUB_DATABASE_URL": self.database_url,
                    "HUB_KEYRING_PATH": str(work / "keyring.json"), "HUB_PORT": str(self.port),
                    "HUB_QUEUE_PREFIX": f"bench-{uuid.uuid4().hex[:6]}",
                    "HUB_LOG_LEVEL": "WARNING", "HUB_WORKER_BATCH_SIZE": str(args.batch),
                    "HUB_BROKER_URL": "memory://" if args.backend == "embedded" else AMQP}
        self.procs: list[subprocess.Popen] = []
        self.names: list[str] = []
        self.engine = create_engine(self.database_url)
        self.own_backends: set[int] = set()  # PostgreSQL backends of the bench's own reads

    def hub(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "hub", *args], env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def spawn(self, *args: str, name: str) -> None:
        log = (OUT / f"connectors-{self.args.backend}-{name}.log").open("wb")
        self.procs.append(subprocess.Popen([sys.executable, "-m", "hub", *args], env=self.env,
                                           stdout=log, stderr=subprocess.STDOUT))
        self.names.append(name)

    def meter(self):  # noqa: ANN201
        """CPU by process kind (bench/proc_cpu.py), as bench/ingest.py reads it: the partner's
        simulator, the hub's API, scheduler and workers (each with its children), and on
        PostgreSQL + RabbitMQ the backends of the hub's database and the broker (shared with
        whatever else runs: an upper bound). Started when the pull is enabled, so the
        processes' start-up is not counted."""
        from bench import proc_cpu

        def kind(*names: str):  # noqa: ANN202
            return lambda: [pid for n, p in zip(self.names, self.procs, strict=True)
                            if n.rstrip("0123456789") in names for pid in proc_cpu.tree(p.pid)]

        if self.args.backend == "embedded":
            return proc_cpu.Meter({"hub (API + worker + scheduler)": kind("run"),
                                   "simulator": kind("simulator")})
        admin = create_engine(make_url(PG).set(database="postgres"))
        database = make_url(self.database_url).database
        return proc_cpu.Meter({
            "api": kind("api"), "worker": kind("worker"), "scheduler": kind("scheduler"),
            "postgres": lambda: proc_cpu.postgres_backends(  # not the bench's polls
                admin, database, self.own_backends),
            "broker": lambda: proc_cpu.named("beam.smp"), "simulator": kind("simulator")})

    def statements(self):  # noqa: ANN201
        """The hub's database in pg_stat_statements (bench/pg_statements.py), or None."""
        if self.args.backend == "embedded":
            return None
        from bench.pg_statements import Statements

        admin = make_url(PG).set(database="postgres").render_as_string(hide_password=False)
        return Statements.open(admin, make_url(self.database_url).database)

    def start(self) -> None:
        a = self.args
        self.spawn("simulate", a.connector, "--port", str(self.partner_port), "--total",
                   str(a.records), "--page-size", str(a.page_size), name="simulator")
        wait_http(f"http://127.0.0.1:{self.partner_port}/")
        self.hub("keys", "init")
        self.hub("migrate")
        self.hub("connectors", "set", a.connector, "--url",
                 f"http://127.0.0.1:{self.partner_port}", "--page-size", str(a.page_size),
                 "--interval", "3600")
        if a.backend == "embedded":
            self.spawn("run", name="run")
        else:
            self.spawn("api", name="api")
            self.spawn("scheduler", name="scheduler")
            for i in range(a.workers):
                self.spawn("worker", name=f"worker{i}")
        wait_http(f"http://127.0.0.1:{self.port}/healthz")
        from bench import proc_cpu  # workers connected, scheduler leader: start-up not counted

        proc_cpu.settle(lambda: [pid for p in self.procs for pid in proc_cpu.tree(p.pid)])

    def query(self, sql: str, **params: object) -> list:
        """The bench's own reads: their backend is left out of the hub's CPU (`meter`), and
        their statements out of the hub's (OWN_STATEMENT)."""
        with self.engine.connect() as conn:
            # Once per pooled connection (its `info` lasts as long as it), not per poll.
            if self.args.backend != "embedded" and "pid" not in conn.info:
                conn.info["pid"] = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
                self.own_backends.add(conn.info["pid"])
            return list(conn.execute(text(f"{OWN_STATEMENT} {sql}"), params))

    def wait_done(self) -> dict:
        """Poll until the run ended and none of its clues is still before review."""
        deadline = time.monotonic() + self.args.timeout
        while time.monotonic() < deadline:
            runs = self.query("SELECT status, pages, seen, new, known, not_clue, dead_lettered, "
                              "started_at, finished_at, error FROM connector_runs "
                              "WHERE pages > 0 ORDER BY id")
            if runs and runs[-1].status == "failed":
                raise RuntimeError(f"run failed: {runs[-1].error}")
            if runs and runs[-1].status == "ok":
                left = self.query("SELECT count(*) FROM clues WHERE status <> 'pending_review'")
                if left[0][0] == 0:
                    return {"run": runs[-1], "done": time.time()}
            time.sleep(0.05)
        raise RuntimeError("timed out")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.engine.dispose()
        drop_database(self.database_url)
        if self.args.backend == "server":
            delete_queues(AMQP, self.env["HUB_QUEUE_PREFIX"])


def run(args: argparse.Namespace) -> dict:
    """End to end is timed from the run's start (the hub's `connector_runs.started_at`: not
    the command that enables the connector, nor the scheduler's next tick, up to 2 s) to the
    moment every clue it made is seen in `pending_review` (polled every 0.05 s)."""
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(args, Path(tmp))
        try:
            bench.start()
            meter = bench.meter()
            statements = bench.statements()
            if statements:
                statements.reset()  # this database only: the start-up's statements not counted
            meter.start()
            enabled = time.time()
            bench.hub("connectors", "set", args.connector, "--enable")
            result = bench.wait_done()
            cpu = meter.stop()
            pending = bench.query("SELECT count(*) FROM clues WHERE status = 'pending_review'")
            found = statements.read() if statements else None
            if statements:
                statements.close()
        finally:
            bench.stop()
    run_row = result["run"]
    lines = []
    if found:
        from bench import pg_statements

        lines = [line.replace("per clue", "per record").replace("µs/clue", "µs/rec")
                 for line in pg_statements.lines(*found, run_row.seen, top=12)]
    started = _moment(run_row.started_at).timestamp()
    pull = _moment(run_row.finished_at).timestamp() - started
    return {"run": run_row, "pull_seconds": pull, "e2e_seconds": result["done"] - started,
            "start_delay": started - enabled, "pending_review": pending[0][0],
            "statements": lines,
            # CPU µs per record pulled by process kind, from enabling to the end
            "cpu_us": {k: v / max(run_row.seen, 1) * 1e6 for k, v in cpu.items()}}


def _moment(value: datetime | str) -> datetime:
    """SQLite gives text back from a plain query; PostgreSQL a datetime. Both are UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def report(args: argparse.Namespace, figures: dict) -> None:
    run_row, e2e, pull = figures["run"], figures["e2e_seconds"], figures["pull_seconds"]
    target = "≥ 1,000"  # issue 13, both backends
    rows = [
        ("records pulled", f"{run_row.seen}", ""),
        ("pages", f"{run_row.pages}", f"{args.page_size} per page"),
        ("new clues / known / not a clue / dead letters",
         f"{run_row.new} / {run_row.known} / {run_row.not_clue} / {run_row.dead_lettered}", ""),
        ("clues in pending_review", f"{figures['pending_review']}", ""),
        ("pull alone, s (run started → finished)", f"{pull:.1f}", ""),
        ("end to end, s (run started → all pending_review)", f"{e2e:.1f}", ""),
        ("records/s, pull alone", f"{run_row.seen / pull:.0f}", ""),
        ("records/s, end to end", f"{run_row.seen / e2e:.0f}", target),
        ("clues/s into pending_review, end to end", f"{run_row.new / e2e:.0f}", ""),
    ]
    rows.append(("enabled → run started, s (not counted)", f"{figures['start_delay']:.1f}", ""))
    rows.append(("CPU µs per record, all processes", f"{sum(figures['cpu_us'].values()):,.0f}", ""))
    rows += [(f"  {kind}", f"{us:,.0f}", "") for kind, us in figures["cpu_us"].items()]
    workers = "1 process (hub run)" if args.backend == "embedded" else f"{args.workers} workers"
    print(f"\nbackend: {args.backend}, connector {args.connector}, {args.records} records, "
          f"{workers}, {os.cpu_count()} cores")
    head = ("figure", "value", "note")
    widths = [max(len(str(r[i])) for r in [head, *rows]) + 2 for i in range(3)]
    for row in [head, tuple("-" * (w - 2) for w in widths), *rows]:
        print("".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    if figures.get("statements"):
        print("\n" + "\n".join(figures["statements"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["embedded", "server"], default="embedded")
    parser.add_argument("--connector", default="hotline")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="hub worker processes (server)")
    parser.add_argument("--batch", type=int, default=200, help="HUB_WORKER_BATCH_SIZE")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    print(f"pulling {args.records} {args.connector} records ({args.backend}) …", flush=True)
    report(args, run(args))


if __name__ == "__main__":
    main()
