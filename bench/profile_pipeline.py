"""Where a clue's time goes in the pipeline: each stage's load / compute / plan / store, timed
on one batch run in-process, and the slowest stage profiled with pyinstrument.

    .venv/bin/python bench/profile_pipeline.py               # 2,000 clues, SQLite
    .venv/bin/python bench/profile_pipeline.py --n 5000 --html bench/out/profile.html
    .venv/bin/python bench/profile_pipeline.py --postgres --root /tmp/before   # another tree

No queue and no HTTP: clues are accepted through the intake service as the API does, then each
stage's tasks are run by a real Worker, stage after stage, so the figures are the stages alone.
Figures are CPU time (this thread, and on PostgreSQL the server processes of the bench's own
database, read from /proc), so that a busy machine changes them little; wall time beside.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv:  # the hub of another tree (before/after), with this bench
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench import synth  # noqa: E402
from hub.agencies.service import add_agency  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.container import Hub  # noqa: E402
from hub.db.migrate import upgrade  # noqa: E402
from hub.db.models import Task  # noqa: E402
from hub.pipeline.stages import pipeline  # noqa: E402
from hub.pipeline.worker import Worker  # noqa: E402
from hub.security.keyring import create_keyring  # noqa: E402
from hub.settings import Settings  # noqa: E402


class Timed:
    """Wraps a stage to time its three parts."""

    def __init__(self, stage, seconds: dict[str, float]) -> None:  # noqa: ANN001
        self.stage, self.seconds = stage, seconds
        self.name, self.next_stage = stage.name, stage.next_stage

        if hasattr(stage, "plan"):
            self.plan = lambda session, results: self._timed("plan", stage.plan, session, results)

    def _timed(self, part: str, func, *args):  # noqa: ANN001, ANN202
        started = time.thread_time()
        try:
            return func(*args)
        finally:
            self.seconds[part] += time.thread_time() - started

    def load(self, session, ref_ids):  # noqa: ANN001, ANN201
        return self._timed("load", self.stage.load, session, ref_ids)

    def compute(self, item):  # noqa: ANN001, ANN201
        return self._timed("compute", self.stage.compute, item)

    def store(self, session, results, now):  # noqa: ANN001, ANN201
        return self._timed("store", self.stage.store, session, results, now)

    def give_up(self, session, ref_id, error, now):  # noqa: ANN001, ANN201
        return self.stage.give_up(session, ref_id, error, now)


def pending(hub: Hub, stage: str) -> list[int]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(Task.id).where(Task.stage == stage,
                                                              Task.state == "pending")))


def run(args: argparse.Namespace, url: str, tmp: Path):  # noqa: ANN201
    """Accept the clues, run each stage's tasks; the figures and profiles per stage."""
    from fastapi.testclient import TestClient
    from pyinstrument import Profiler

    upgrade(url)
    settings = Settings(_env_file=None, database_url=url, broker_url="memory://",
                        keyring_path=tmp / "keyring.json",
                        queue_prefix=f"prof-{uuid.uuid4().hex[:6]}")
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name="基准测试单位", channel="hotline", region_code=None)
        uow.commit()
    clues = synth.clues(args.n, seed=args.seed, prefix=uuid.uuid4().hex[:6])
    with TestClient(create_app(hub)) as client:
        for start in range(0, len(clues), 500):
            response = client.post("/api/v1/clues/batch", json={"clues": clues[start:start + 500]},
                                   headers={"Authorization": f"Bearer {key}"})
            response.raise_for_status()
    worker = Worker(hub, name="profile")
    figures: dict[str, dict[str, float]] = {}
    profiles: dict[str, Profiler] = {}
    for name, stage in pipeline(settings).items():
        seconds: dict[str, float] = defaultdict(float)
        timed = Timed(stage, seconds)
        ids = pending(hub, name)
        if not ids:
            continue
        profiler = Profiler(interval=0.002)
        server = _server_cpu(hub)
        started, cpu = time.perf_counter(), time.thread_time()
        profiler.start()
        for start in range(0, len(ids), args.batch):
            worker.process(timed, ids[start:start + args.batch])
        profiler.stop()
        seconds["wall"] = time.perf_counter() - started
        seconds["total"] = time.thread_time() - cpu
        seconds["server"] = _server_cpu(hub) - server
        seconds["clues"] = len(ids)
        figures[name], profiles[name] = dict(seconds), profiler
    hub.close()
    return figures, profiles


def _server_cpu(hub: Hub) -> float:
    """CPU seconds of the PostgreSQL processes serving this database (/proc); 0 on SQLite."""
    if hub.engine.dialect.name != "postgresql":
        return 0.0
    from sqlalchemy import text

    with hub.engine.connect() as conn:
        pids = list(conn.execute(text("SELECT pid FROM pg_stat_activity "
                                      "WHERE datname = current_database()")).scalars())
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11,
                        help="the synthetic clues' seed: the same clues for two trees")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    parser.add_argument("--root", type=Path, help="run the hub of this source tree")
    parser.add_argument("--postgres", action="store_true",
                        help="a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL) instead of SQLite")
    args = parser.parse_args()

    from bench.ingest import drop_database, new_database

    with tempfile.TemporaryDirectory() as tmp:
        url = new_database("server" if args.postgres else "embedded", Path(tmp), "profile")
        try:
            figures, profiles = run(args, url, Path(tmp))
        finally:
            drop_database(url)

    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\n{args.n} clues, batches of {args.batch}, {database}, one thread, hub at {ROOT}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("CPU µs per clue (this thread; `server`: the PostgreSQL processes of this database)\n")
    print(f"{'stage':<12}{'clues':>7}{'wall s':>8}{'cpu':>8}{'load':>8}{'compute':>9}{'plan':>7}"
          f"{'store':>8}{'claim+commit':>14}{'server':>8}")
    total = {"total": 0.0, "server": 0.0, "clues": 0.0}
    for name, s in figures.items():
        per = 1e6 / max(s["clues"], 1)
        parts = ("load", "compute", "plan", "store")
        rest = s["total"] - sum(s.get(p, 0) for p in parts)
        print(f"{name:<12}{s['clues']:>7.0f}{s['wall']:>8.2f}{s['total'] * per:>8.0f}"
              + "".join(f"{s.get(p, 0) * per:>{w}.0f}" for p, w in zip(parts, (8, 9, 7, 8), strict=True))
              + f"{rest * per:>14.0f}{s['server'] * per:>8.0f}")
        total["total"] += s["total"]
        total["server"] += s["server"]
        total["clues"] = max(total["clues"], s["clues"])
    per = 1e6 / max(total["clues"], 1)
    print(f"\nall stages: {total['total'] * per:,.0f} µs CPU per clue in the worker, "
          f"{total['server'] * per:,.0f} in PostgreSQL")
    slowest = max(figures, key=lambda n: figures[n]["total"])  # CPU
    print(f"\nslowest stage: {slowest}; pyinstrument:\n")
    print(profiles[slowest].output_text(unicode=True, color=False))
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(profiles[slowest].output_html())
        print(f"HTML: {args.html}")


if __name__ == "__main__":
    main()
