"""Correlation: precision and recall on the labelled set, query latency with the index in the
database at 100k and 1M stored clues.

    .venv/bin/python bench/correlate.py                          # SQLite (a temporary file)
    .venv/bin/python bench/correlate.py --database postgresql    # a scratch PostgreSQL database
    .venv/bin/python bench/correlate.py --quality-only
    .venv/bin/python bench/correlate.py --sizes 100000 --queries 300
    .venv/bin/python bench/correlate.py --latency-only --database postgresql --keep
    .venv/bin/python bench/correlate.py --url URL      # measure again on a kept database

Quality: the link decision on each labelled pair, and the clusters the real index makes when
every labelled clue arrives in one batch (a pair counts as linked when both clues end in one
cluster). Pairs touching a scenario whose number % 4 == 0 were held out of tuning.

Latency: synthetic clues go straight into the index tables (bulk inserts, no pipeline): text
made of phrases from the labelled and classifier sets, subject units, places, parties and
case numbers drawn with skew (a few busy bureaus), 3% near-duplicate resubmissions, arriving
in time order over two years. A query is a new clue as the stage handles a batch of one before
it links: compute (profile, MinHash, keys), then `link.plan` (band and field lists read, the
candidates ranked, their profiles read, every pair scored), after 50 untimed queries.
Figures depend on the machine's other load: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.correlate import index, labelled  # noqa: E402
from hub.correlate import text as words  # noqa: E402
from hub.correlate.decide import WINDOW_DAYS  # noqa: E402
from hub.correlate.fields import _BODIES  # noqa: E402
from hub.correlate.link import plan  # noqa: E402
from hub.correlate.profile import Profile, facts_of  # noqa: E402
from hub.correlate.signature import band_keys, shingle_hash, signature_of_hashes  # noqa: E402
from hub.correlate.stage import CorrelateInput, prepare  # noqa: E402

PG = os.environ.get("HUB_BENCH_DATABASE_URL",
                    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REGIONS = {"420302": 18, "420303": 18, "420304": 12, "420322": 10, "420323": 10, "420324": 8,
           "420325": 10, "420381": 10, "420300": 4}
START = datetime(2023, 1, 1, tzinfo=UTC)
WARM_UP = 50  # queries first run untimed: a worker that has been running has a warm cache
DAYS = 730
NEW_CLUES = 2_000_000_000  # the measured clues' numbers start here


def replay(clues: list[dict]) -> dict[str, int | None]:
    """Every labelled clue through the real index and linking (a scratch SQLite database, one
    batch in arrival order): labelled id -> the cluster it ended in."""
    from hub.correlate.link import index_and_link
    from hub.db.models import Clue
    from hub.db.types import utcnow

    url, drop = open_database("sqlite")
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            agency, raw = bench_source(session)
            entries, ids = [], {}
            for c in clues:
                at = datetime.fromisoformat(c["reported_at"])
                row = Clue(agency_id=agency.id, source_ref=c["id"], raw_record_id=raw.id,
                           channel=c["channel"], reported_at=at, title=c["title"],
                           content=c["content"], region_code=c["region_code"],
                           subjects=c["subjects"], references=c["references"])
                session.add(row)
                session.flush()
                ids[row.id] = c["id"]
                entries.append(prepare(CorrelateInput(row.id, c["channel"], c["title"],
                                                      c["content"], c["region_code"], at,
                                                      c["subjects"], c["references"])))
            index_and_link(session, entries, utcnow())
            session.commit()
            clustered = dict(session.execute(text(
                "SELECT clue_id, cluster_id FROM clue_clusters")).tuples().all())
    finally:
        engine.dispose()
        drop()
    return {name: clustered.get(clue_id) for clue_id, name in ids.items()}


def bench_source(session: Session, name: str = "标注集"):  # noqa: ANN201
    """The agency and the raw record a bench's clues are stored under (flushed)."""
    from hub.db.models import Agency, RawRecord

    agency = Agency(name=name, channel="other")
    session.add(agency)
    session.flush()
    raw = RawRecord(agency_id=agency.id, origin="import", sha256="0" * 64, size=0,
                    body_enc=b"", outcome="accepted")
    session.add(raw)
    session.flush()
    return agency, raw


def quality() -> None:
    """Precision and recall per set, pair by pair and through the index's clusters; then the
    related / unrelated pairs per kind (the hard cases), over every set."""
    sets = {"main": labelled.load_pairs(), "blind": labelled.load_pairs(labelled.BLIND_PAIRS),
            "blind3": labelled.load_pairs(labelled.BLIND3_PAIRS)}
    clusters = replay(labelled.load_clues() + labelled.load_clues(labelled.BLIND_CLUES)
                      + labelled.load_clues(labelled.BLIND3_CLUES))
    print("质量（标注集）   集合/部分          对数  相关  正确关联  错误关联  精确率  召回率")
    by_kind: dict[str, list] = {}
    for title, how in (("逐对判定", labelled.judge),
                       ("经索引聚类", lambda pairs: labelled.as_clustered(pairs, clusters))):
        everything = []
        for name, pairs in sets.items():
            judged = how(pairs)
            everything += judged
            parts = labelled.report(judged) if name == "main" else {}
            parts = {f"{name}/{k}": v for k, v in parts.items() if k != "overall"}
            parts[name] = labelled.score(judged)
            for part, s in parts.items():
                print(f"{title:<10}{part:<16}{s.pairs:>6}{s.related:>6}{s.true_links:>10}"
                      f"{s.false_links:>10}{s.precision:>8.3f}{s.recall:>8.3f}")
            if title == "逐对判定":
                for pair, decision in judged:
                    by_kind.setdefault(f"{name}:{pair['kind']}", []).append((pair, decision))
        s = labelled.score(everything)
        print(f"{title:<10}{'三套合计':<14}{s.pairs:>6}{s.related:>6}{s.true_links:>10}"
              f"{s.false_links:>10}{s.precision:>8.3f}{s.recall:>8.3f}")
    print("\n逐对判定，按对的种类       对数  判为相关  （相关对：召回；不相关对：误关联）")
    for kind, judged in sorted(by_kind.items()):
        linked = sum(d.linked for _, d in judged)
        print(f"  {kind:<40}{len(judged):>5}{linked:>8}")


@dataclass(frozen=True)
class StoredProfile(Profile):
    signature_cache: tuple[int, ...] = ()


class Synthetic:
    """Synthetic stored clues: profiles and their keys, made fast (no regex over text)."""

    def __init__(self, seed: int = 7, labelled_phrases: bool = True) -> None:
        self.rng = random.Random(seed)
        raw = ([c["title"] + "。" + c["content"] for c in labelled.load_clues()]
               if labelled_phrases else [])
        for name in ("eval_set", "eval_fresh", "eval_blind2"):
            path = ROOT / "hub" / "normalize" / "classify_data" / f"{name}.jsonl"
            raw += [d["title"] + "。" + d["content"] for d in map(json.loads, path.open())]
        phrases = {p for t in raw for p in words.clean(t).replace("；", "，").replace("。", "，")
                   .split("，") if len(p) >= 4}
        self.raw_phrases = sorted(phrases)
        self.phrases = [words.comparable(p) for p in self.raw_phrases]
        # Shingle hashes per phrase: a stored clue's signature is that of its phrases' shingles
        # (the few shingles across phrase boundaries left out), to fill 1M clues in minutes.
        self.hashes = [[shingle_hash(s) for s in words.shingles(p)] for p in self.phrases]
        self.regions = [r for r, weight in REGIONS.items() for _ in range(weight)]
        bodies = list(_BODIES)
        self.subjects = [f"{r}:{b}" for r in REGIONS for b in bodies]
        stems = sorted({ch for t in raw for ch in words.clean(t) if "\u4e00" <= ch <= "\u9fff"})
        self.places = ["4203:" + "".join(self.rng.sample(stems, 2)) for _ in range(20000)]
        self.parties = ["4203:" + "".join(self.rng.sample(stems, 2)) for _ in range(50000)]
        self.recent: list[tuple[list[int], int]] = []

    def _zipf(self, items: list[str]) -> str:
        return items[min(int(self.rng.paretovariate(1.2)) - 1, len(items) - 1)]

    def _phrases(self) -> list[int]:
        if self.recent and self.rng.random() < 0.03:  # a resubmission, lightly edited
            chosen, _ = self.rng.choice(self.recent)
            chosen = list(chosen)
            chosen[self.rng.randrange(len(chosen))] = self.rng.randrange(len(self.phrases))
            return chosen
        chosen = [self.rng.randrange(len(self.phrases)) for _ in range(self.rng.randint(4, 9))]
        self.recent = (self.recent + [(chosen, 0)])[-2000:]
        return chosen

    def profile(self, day: float) -> StoredProfile:
        rng = self.rng
        region = rng.choice(self.regions)
        chosen = self._phrases()
        body = "".join(self.phrases[i] for i in chosen)
        sig = signature_of_hashes(h for i in chosen for h in self.hashes[i])
        cases = {f"({rng.randint(2022, 2024)})鄂03{rng.randint(1, 99):02d}行初{rng.randint(1, 400)}号"}
        return StoredProfile(
            reported_at=START + timedelta(days=day + rng.random() * 3),
            channel=rng.choice(["hotline", "petition", "court", "procuratorate", "mailbox"]),
            region=region, text=body, shingles=frozenset(), signature_cache=sig,
            case_numbers=frozenset(cases if rng.random() < 0.08 else ()),
            subjects=frozenset(self._zipf(self.subjects) for _ in range(rng.randint(0, 2))),
            places=frozenset(self._zipf(self.places) for _ in range(rng.randint(0, 3))),
            entities=frozenset({self._zipf(self.parties)} if rng.random() < 0.3 else ()),
        )

    def query(self, n: int) -> CorrelateInput:
        """A new clue as raw text, so that the query pays for the whole compute step."""
        raw = "，".join(self.rng.choice(self.raw_phrases) for _ in range(self.rng.randint(4, 9)))
        at = START + timedelta(days=self.rng.randrange(500, DAYS))
        return CorrelateInput(-n, "hotline", raw[:20], raw, self.rng.choice(list(REGIONS)), at,
                              [{"name": "郧西县交通运输局"}] if n % 3 == 0 else [], [])


def open_database(kind: str) -> tuple[str, callable]:
    from hub.db.migrate import upgrade

    if kind == "sqlite":
        path = Path(tempfile.mkdtemp()) / "correlate-bench.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        return url, lambda: path.unlink(missing_ok=True)
    name = f"hub_bench_corr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(PG).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG).set(database=name).render_as_string(hide_password=False)
    upgrade(url)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def fill(engine, synthetic: Synthetic, start: int, stop: int,  # noqa: ANN001
         chunk: int = 20000, report_every: int = 20000) -> None:
    begun = time.monotonic()
    for first in range(start, stop, chunk):
        # Clues arrive in time order, each batch of the fill spanning the two years again.
        made = [(i, synthetic.profile(DAYS * (i - start) / (stop - start)))
                for i in range(first + 1, min(first + chunk, stop) + 1)]
        profiles, bands, keys = [], [], []
        for clue_id, p in made:
            day = index.day_of(p.reported_at)
            profiles.append((clue_id, p.reported_at, p.channel, p.region, p.text,
                             json.dumps(facts_of(p), ensure_ascii=False), p.reported_at))
            bands += [(k, day, clue_id) for k in set(band_keys(p.signature_cache))]
            keys += [(kind, value, day, clue_id) for kind, value in p.field_keys()]
        _insert(engine, profiles, bands, keys)
        done = min(first + chunk, stop)
        if (done - start) % report_every == 0 or done == stop:
            rate = (done - start) / (time.monotonic() - begun)
            print(f"  已写入 {done:,} 条（{rate:,.0f} 条/秒）", flush=True)


def _insert(engine, profiles: list, bands: list, keys: list) -> None:  # noqa: ANN001
    conn = engine.raw_connection()
    try:
        cur = conn.cursor()
        if engine.dialect.name == "sqlite":
            fmt = "%Y-%m-%d %H:%M:%S.%f"
            cur.executemany("INSERT INTO correlate_profiles VALUES (?,?,?,?,?,?,?)",
                            [(a, b.strftime(fmt), c, d, e, f, g.strftime(fmt))
                             for a, b, c, d, e, f, g in profiles])
            cur.executemany("INSERT OR IGNORE INTO correlate_band_keys VALUES (?,?,?)", bands)
            cur.executemany("INSERT OR IGNORE INTO correlate_field_keys VALUES (?,?,?,?)", keys)
        else:
            for table, rows in (("correlate_profiles", profiles), ("correlate_band_keys", bands),
                                ("correlate_field_keys", keys)):
                with cur.copy(f"COPY {table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        conn.commit()
    finally:
        conn.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def measure(engine, synthetic: Synthetic, queries: int) -> dict[str, float]:  # noqa: ANN001
    """Per new clue, what the stage does for a batch of one before it links: prepare
    (profile, MinHash, keys), then `link.plan` (the batch's band and field lists read, the
    candidates ranked, their profiles read, every pair scored)."""
    clues = labelled.load_clues()
    inputs = [CorrelateInput(-i - 1, c["channel"], c["title"], c["content"], c["region_code"],
                             datetime.fromisoformat(c["reported_at"]), c["subjects"],
                             c["references"]) for i, c in enumerate(clues)]
    inputs = (inputs + [synthetic.query(n) for n in range(1, queries + 1)])[:queries]
    # Numbers no stored clue has, positive as the index's columns need (a holder packs the
    # clue number into 32 bits): the fills number their clues from 1.
    inputs = [replace(item, clue_id=NEW_CLUES + n) for n, item in enumerate(inputs)]
    timings, candidates = [], []
    phases: dict[str, list[float]] = {"prepare": [], "plan": []}
    cpu: list[float] = []  # this thread's CPU time: all of the work on SQLite, the client's on PG
    load_before = os.getloadavg()[0]
    with Session(engine) as session:
        for n in range(1, WARM_UP + 1):  # not timed
            item = replace(synthetic.query(-n), clue_id=NEW_CLUES - n)
            plan(session, [prepare(item)], WINDOW_DAYS)
            session.rollback()
        for item in inputs:
            began, began_cpu = time.perf_counter(), time.thread_time()
            entry = prepare(item)
            prepared = time.perf_counter()
            planned = plan(session, [entry], WINDOW_DAYS)
            ended = time.perf_counter()
            cpu.append((time.thread_time() - began_cpu) * 1000)
            timings.append((ended - began) * 1000)
            phases["prepare"].append((prepared - began) * 1000)
            phases["plan"].append((ended - prepared) * 1000)
            candidates.append(len(planned.found.get(entry.clue_id, ())))
            session.rollback()
    return {"p50": statistics.median(timings), "p95": _percentile(timings, 0.95),
            "p99": _percentile(timings, 0.99), "max": max(timings),
            "candidates": statistics.mean(candidates),
            "load": (load_before + os.getloadavg()[0]) / 2,
            "cpu p50": statistics.median(cpu), "cpu p99": _percentile(cpu, 0.99),
            **{f"{name} p50": statistics.median(v) for name, v in phases.items()},
            **{f"{name} p99": _percentile(v, 0.99) for name, v in phases.items()}}


HEADER = ("  已存线索   p50 ms   p95 ms   p99 ms   最大 ms  平均候选数  负载 | 本线程 CPU p50/p99 ms"
          " | 各步 p50/p99 ms：准备  计划（读候选、排序、载入、判定）")


def show(kind: str, size: int, r: dict[str, float]) -> None:
    steps = "  ".join(f"{r[f'{n} p50']:.2f}/{r[f'{n} p99']:.2f}"
                      for n in ("prepare", "plan"))
    print(f"时延（{kind}）{size:>10,}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['p99']:>9.2f}"
          f"{r['max']:>10.2f}{r['candidates']:>10.1f}{r['load']:>6.1f} | "
          f"{r['cpu p50']:.2f}/{r['cpu p99']:.2f} | {steps}", flush=True)


def engine_for(url: str):  # noqa: ANN201
    """An engine for the bench's database (on SQLite: WAL, no fsync, a big page cache)."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi, _record) -> None:  # noqa: ANN001
            dbapi.execute("PRAGMA journal_mode=WAL")
            dbapi.execute("PRAGMA synchronous=OFF")
            dbapi.execute("PRAGMA cache_size=-1000000")
    return engine


def latency(kind: str, sizes: list[int], queries: int, keep: bool) -> None:
    url, drop = open_database(kind)
    if keep:
        print(f"数据库保留在 {url}（再测：--url）")
    engine = engine_for(url)
    synthetic, stored = Synthetic(), 0
    print(f"时延（{kind}）{HEADER}")
    try:
        for size in sizes:
            fill(engine, synthetic, stored, size)
            stored = size
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE" if kind == "sqlite" else "VACUUM ANALYZE"))
            show(kind, size, measure(engine, synthetic, queries))
    finally:
        engine.dispose()
        if not keep:
            drop()


def remeasure(url: str, queries: int) -> None:
    """Measure again on a database kept by --keep (no refill)."""
    engine = engine_for(url)
    kind = engine.dialect.name
    try:
        with engine.connect() as conn:
            size = conn.execute(text("SELECT count(*) FROM correlate_profiles")).scalar_one()
        print(f"时延（{kind}）{HEADER}")
        show(kind, size, measure(engine, Synthetic(seed=11), queries))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--latency-only", action="store_true")
    parser.add_argument("--keep", action="store_true", help="不删除测试数据库")
    parser.add_argument("--url", help="在 --keep 保留的数据库上再测时延（不重新写入）")
    args = parser.parse_args()
    if args.url:
        remeasure(args.url, args.queries)
        return
    if not args.latency_only:
        quality()
    if not args.quality_only:
        latency(args.database, [int(s) for s in args.sizes.split(",")], args.queries, args.keep)


if __name__ == "__main__":
    main()
