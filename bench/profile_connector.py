"""Where a pulled record's time goes on the puller's side: fetch, prepare, store, in CPU time.

    .venv/bin/python bench/profile_connector.py                      # SQLite, 3,000 records
    .venv/bin/python bench/profile_connector.py --postgres           # PostgreSQL + RabbitMQ
    .venv/bin/python bench/profile_connector.py --profile prepare    # cProfile of one part
    .venv/bin/python bench/profile_connector.py --root /tmp/before   # the hub of another tree

The partner's simulator runs as a process of its own (`hub simulate`, on 127.0.0.1); the pull
runs in this process, page after page in one thread, as `hub.collect.runner` does it (claim,
fetch, prepare, store the page with its cursor, finish) but without reading ahead, so each
part is timed alone: this thread's CPU time, and on PostgreSQL the CPU of the server processes
of the bench's own database (/proc). No pipeline worker runs during the pull: this is the
puller alone. With `--pipeline`, a real `Worker` then runs the clues the pull made, in batches
as `bench/profile_pipeline.py` runs synthetic clues (load / compute / plan / store, CPU per
clue, pyinstrument), so that a pulled clue's cost in the worker can be set beside theirs.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv:  # the hub of another tree (before/after), with this bench
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from bench.ingest import AMQP, delete_queues, drop_database, free_port, new_database, wait_http  # noqa: E402
from bench.profile_pipeline import _server_cpu  # noqa: E402

PARTS = ("fetch", "prepare", "store")


def gc_meter(seconds: dict[str, float]):  # noqa: ANN201
    """Count the garbage collector's CPU time (in any part) as `gc` (of which gen 2)."""
    began: dict[int, float] = {}
    seconds["gc"] = seconds["gc gen 2"] = 0.0

    def collecting(phase: str, info: dict) -> None:
        if phase == "start":
            began[info["generation"]] = time.thread_time()
            return
        spent = time.thread_time() - began.pop(info["generation"], time.thread_time())
        seconds["gc"] += spent
        if info["generation"] == 2:
            seconds["gc gen 2"] += spent

    gc.callbacks.append(collecting)
    return collecting


def pull(args: argparse.Namespace, url: str, tmp: Path, partner: str) -> dict[str, float]:
    from connectors.base import make_client
    from hub import log
    from hub.collect import config, runner
    from hub.collect.service import connector_spec, prepare_records
    from hub.container import Hub
    from hub.db.migrate import upgrade
    from hub.security.keyring import create_keyring
    from hub.settings import Settings

    log.configure("WARNING")
    upgrade(url)
    create_keyring(tmp / "keyring.json")
    prefix = f"profconn-{uuid.uuid4().hex[:6]}"
    hub = Hub.from_settings(Settings(_env_file=None, database_url=url,
                                     keyring_path=tmp / "keyring.json", queue_prefix=prefix,
                                     broker_url=AMQP if args.postgres else "memory://"))
    try:
        config.configure(hub, args.connector, url=partner, page_size=args.page_size,
                         enabled=True)
        spec = connector_spec(args.connector)
        if args.freeze:  # what a process that froze its start-up state would pay
            gc.collect()
            gc.freeze()
        seconds = dict.fromkeys(PARTS, 0.0)
        collecting = gc_meter(seconds)
        profiler = cProfile.Profile() if args.profile else None
        server = _server_cpu(hub)
        lease = runner.claim(hub, spec)
        report = runner.RunReport(lease.run_id, args.connector)

        def timed(part: str, func, *func_args):  # noqa: ANN001, ANN202
            if profiler and args.profile == part:
                profiler.enable()
            started = time.thread_time()
            try:
                return func(*func_args)
            finally:
                seconds[part] += time.thread_time() - started
                if profiler and args.profile == part:
                    profiler.disable()

        with make_client(lease.base_url) as http:
            cursor = lease.cursor
            while True:
                page = timed("fetch", spec.fetch_page, http, cursor, lease.page_size)
                if not page.records and page.next_cursor in (None, cursor):
                    break
                prepared = timed("prepare", prepare_records, hub, spec, lease.agency_id, "pull",
                                 page.records)
                timed("store", runner._store_page, hub, lease, page, prepared, report)
                cursor = page.next_cursor
        runner._finish(hub, lease, report, None)
        gc.callbacks.remove(collecting)
        seconds["postgres"] = _server_cpu(hub) - server
        seconds["records"] = report.tally.seen
        print(f"run {report.status}: {report.pages} pages, {report.tally}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(40)
            print(out.getvalue())
        if args.pipeline:
            work_pipeline(args, hub)
        return seconds
    finally:
        hub.close()
        if args.postgres:
            delete_queues(AMQP, prefix)


def work_pipeline(args: argparse.Namespace, hub) -> None:  # noqa: ANN001
    """The pulled clues through a real Worker in-process, stage by stage, timed by part."""
    from collections import defaultdict

    from pyinstrument import Profiler

    from bench.profile_pipeline import Timed, pending
    from hub.pipeline.stages import pipeline
    from hub.pipeline.worker import Worker

    worker = Worker(hub, name="profile")
    for name, stage in pipeline(hub.settings).items():
        ids = pending(hub, name)
        if not ids:
            continue
        seconds: dict[str, float] = defaultdict(float)
        timed = Timed(stage, seconds)
        profiler = Profiler(interval=0.002)
        server = _server_cpu(hub)
        started = time.thread_time()
        profiler.start()
        for start in range(0, len(ids), args.batch):
            worker.process(timed, ids[start:start + args.batch])
        profiler.stop()
        total = time.thread_time() - started
        per = 1e6 / len(ids)
        parts = ("load", "compute", "plan", "store")
        print(f"\npipeline stage {name}: {len(ids)} clues, batches of {args.batch}; CPU µs per "
              f"clue: worker {total * per:,.0f} ("
              + ", ".join(f"{p} {seconds.get(p, 0) * per:,.0f}" for p in parts)
              + f", claim + commit {(total - sum(seconds.get(p, 0) for p in parts)) * per:,.0f})"
              f", PostgreSQL {(_server_cpu(hub) - server) * per:,.0f}\n")
        print(profiler.output_text(unicode=True, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connector", default="hotline")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--postgres", action="store_true",
                        help="a new PostgreSQL database and RabbitMQ instead of SQLite")
    parser.add_argument("--profile", choices=PARTS, help="cProfile this part (slower)")
    parser.add_argument("--freeze", action="store_true",
                        help="gc.freeze() before the pull (start-up objects never scanned again)")
    parser.add_argument("--sort", default="tottime", help="cProfile's order (tottime, cumtime)")
    parser.add_argument("--pipeline", action="store_true",
                        help="then run the pulled clues through a Worker, timed and profiled")
    parser.add_argument("--batch", type=int, default=200, help="the worker's batch (--pipeline)")
    parser.add_argument("--root", type=Path, help="run the hub of this source tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = new_database("server" if args.postgres else "embedded", work, "profconn")
        port = free_port()
        env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_KEYRING_PATH": str(work / "k.json")}
        simulator = subprocess.Popen(
            [sys.executable, "-m", "hub", "simulate", args.connector, "--port", str(port),
             "--total", str(args.records), "--page-size", str(args.page_size)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_http(f"http://127.0.0.1:{port}/")
            seconds = pull(args, url, work, f"http://127.0.0.1:{port}")
        finally:
            simulator.terminate()
            simulator.wait(30)
            drop_database(url)
    n = max(seconds.pop("records"), 1)
    print(f"\n{n} {args.connector} records, pages of {args.page_size}, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}, hub at {ROOT}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("CPU µs per record (this thread; postgres: the server processes of this database; "
          "gc: the collector's share of the parts)")
    for part, value in seconds.items():
        print(f"  {part:<10}{value / n * 1e6:>8.0f}")
    print(f"  {'puller':<10}{sum(seconds[p] for p in PARTS) / n * 1e6:>8.0f}")


if __name__ == "__main__":
    main()
