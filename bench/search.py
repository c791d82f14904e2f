"""Full-text search's first page at 1 M clues, beside the full scan it replaced.

    .venv/bin/python bench/search.py --database postgresql --clues 1000000
    .venv/bin/python bench/search.py --database sqlite --clues 100000

Fills a scratch database (migrated like production) with `--clues` clues in every status,
written in words of Chinese (a vocabulary of ~2,000 two-character words, Zipf-like, plus
罚款 in about 1% of clues and case numbers), indexes them as the normalize stage does
(hub.search.repository.store), and times what /office/clues runs for a search: the first page
of 50 (ranked) and the heading's count (at most 1000). The same page with the index switched
off (LIKE over title and content, newest first: the search before the index) is the full scan
beside it. p50 and p95 over `--runs` runs after warm-up. PostgreSQL is vacuumed and analyzed
after the load. `--query` adds other queries (a one-character one, say), each timed the same
way, every status and the queue; the index's size on disk is printed too.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.correlate import bench_source, open_database  # noqa: E402
from bench.review_queue import timed  # noqa: E402
from hub.db.models import Clue  # noqa: E402
from hub.review import repository  # noqa: E402
from hub.review.repository import QueueFilter  # noqa: E402
from hub.search import repository as search  # noqa: E402

WORDS = ["执法", "违规", "收费", "拆迁", "补偿", "处罚", "整改", "投诉", "举报", "拖欠", "工程",
         "城管", "摊贩", "交通", "运输", "市场", "监管", "检查", "企业", "群众", "反映", "判决",
         "履行", "撤销", "行政", "复议", "诉讼", "信访", "热线", "环保", "噪音", "污染", "土地",
         "征收", "房屋", "安置", "工资", "农民", "学校", "医院", "药品", "食品", "安全", "消防"]
# One clue in ten waits for review: 1 M clues hold the queue's 100 k pending.
STATUSES = ["pending_review"] + ["accepted"] * 3 + ["assigned"] * 3 + ["declined", "closed",
                                                                        "referred"]
CHANNELS = ["hotline", "petition", "court", "procuratorate", "admin_review", "discipline"]


def vocabulary(rng: random.Random, size: int = 2000) -> list[str]:
    words = list(WORDS)
    while len(words) < size:
        words.append(chr(rng.randint(0x4E00, 0x9FA5)) + chr(rng.randint(0x4E00, 0x9FA5)))
    return words


def rows(clues: int, agency_id: int, raw_id: int, seed: int = 11):  # noqa: ANN201
    """(clue row, index row) for clue ids 1..clues, in id order (the same for a seed)."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative = [sum(weights[:n + 1]) for n in range(len(weights))]
    now = datetime(2026, 11, 30, tzinfo=UTC)
    for i in range(1, clues + 1):
        received = now - timedelta(seconds=(clues - i) * 30)
        picked = rng.choices(words, cum_weights=cumulative, k=24)
        if rng.random() < 0.01:
            picked[rng.randrange(24)] = "罚款"
        title = "".join(picked[:4]) + "问题"
        content = "群众反映" + "，".join("".join(picked[k:k + 4]) for k in range(4, 24, 4)) + "。"
        refs = [{"kind": "case_number", "value": f"(2026)鄂03{i % 100:02d}执{i}号"}]
        subjects = [{"name": f"{rng.choice(WORDS)}局"}]
        yield ({
            "id": i, "agency_id": agency_id, "source_ref": f"S-{i}", "raw_record_id": raw_id,
            "received_at": received, "updated_at": received, "status": rng.choice(STATUSES),
            "channel": rng.choice(CHANNELS), "reported_at": received, "title": title,
            "content": content, "category": "other", "region_code": "420322",
            "urgency": "normal", "priority": 0, "subjects": subjects, "references": refs},
            (i, *search.terms_of(title, content, subjects, refs)))


def fill(engine, clues: int, seed: int = 11, chunk: int = 5000) -> None:  # noqa: ANN001
    with Session(engine) as session:
        agency, raw = bench_source(session, "基准测试")
        made = rows(clues, agency.id, raw.id, seed)
        if engine.dialect.name == "postgresql":
            _copy(session, made)
        else:
            while batch := list(itertools.islice(made, chunk)):
                session.execute(insert(Clue), [clue for clue, _ in batch])
                search.store(session, [entry for _, entry in batch])
                session.commit()
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


COPY_COLUMNS = ["id", "agency_id", "source_ref", "raw_record_id", "received_at", "updated_at",
                "status", "channel", "reported_at", "title", "content", "category",
                "region_code", "urgency", "priority", "subjects", "references", "attachments", "extra"]
JSON_COLUMNS = {"subjects": None, "references": None, "attachments": [], "extra": {}}


def _copy(session: Session, made) -> None:  # noqa: ANN001
    """PostgreSQL: the rows by COPY, the GIN indexes built once after them (1 M clues in
    minutes, not the hour the pipeline's path takes). The index rows hold what
    hub.search.repository.store writes: every term of the clue, without positions, in the
    queue's table for a clue waiting for review, in clue_search for the others."""
    indexes = [session.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = :i"),
                               {"i": name}).scalar_one() for name in GIN_INDEXES]
    for name in GIN_INDEXES:
        session.execute(text(f"DROP INDEX {name}"))
    cursor = session.connection().connection.driver_connection.cursor()
    columns = ", ".join(f'"{c}"' for c in COPY_COLUMNS)
    made = iter(made)
    while batch := list(itertools.islice(made, 20000)):
        with cursor.copy(f"COPY clues ({columns}) FROM STDIN") as clues:
            for clue, _ in batch:
                clues.write_row([orjson.dumps(clue.get(c, JSON_COLUMNS[c])).decode()
                                 if c in JSON_COLUMNS else clue[c] for c in COPY_COLUMNS])
        with cursor.copy("COPY clue_search (clue_id, terms) FROM STDIN") as terms:
            for clue, (clue_id, head, rest) in batch:
                if clue["status"] != search.PENDING:
                    terms.write_row([clue_id, _tsvector(head, rest)])
        with cursor.copy("COPY clue_search_pending (clue_id, received_at, terms) "
                         "FROM STDIN") as terms:
            for clue, (clue_id, head, rest) in batch:
                if clue["status"] == search.PENDING:
                    terms.write_row([clue_id, clue["received_at"], _tsvector(head, rest)])
    session.execute(text("SET maintenance_work_mem = '256MB'"))
    for index in indexes:
        session.execute(text(index))


GIN_INDEXES = ("ix_clue_search_terms", "ix_clue_search_pending_terms")


def _tsvector(head: str, rest: str) -> str:
    return " ".join(f"'{t}'" for t in f"{head} {rest}".split())


def page_and_count(session: Session, f: QueueFilter) -> None:
    repository.queue(session, f, None, 50)
    repository.count(session, f, repository.COUNT_CAP)


def full_scan(session: Session, f: QueueFilter) -> None:
    """The same page and count read without any index: what the queue costs without the
    (status, received_at) index (PostgreSQL with index scans switched off for the
    transaction; SQLite told NOT INDEXED)."""
    if session.get_bind().dialect.name == "postgresql":
        for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
            session.execute(text(f"SET LOCAL {setting} = off"))
        page_and_count(session, f)
        session.rollback()
        return
    session.execute(text("SELECT * FROM clues NOT INDEXED WHERE status = :s "
                         "ORDER BY received_at DESC, id DESC LIMIT 51"), {"s": f.status}).all()
    session.execute(text("SELECT count(*) FROM clues NOT INDEXED WHERE status = :s"),
                    {"s": f.status}).scalar()


def index_size(session: Session) -> dict[str, int]:
    """Bytes on disk of the index: PostgreSQL's two tables (with TOAST) and their GIN
    indexes; SQLite's FTS5 shadow tables (dbstat)."""
    if session.get_bind().dialect.name == "postgresql":
        return {name: session.scalar(text(f"SELECT pg_{kind}_size('{name}')")) for kind, name in (
            ("table", "clue_search"), ("table", "clue_search_pending"),
            ("relation", GIN_INDEXES[0]), ("relation", GIN_INDEXES[1]))}
    return {"clue_fts": session.scalar(text(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'clue_fts%'"))}


def measure_words(session: Session, words: list[str], runs: int) -> dict[str, dict]:
    """Per query: matches (every status / pending), first page + count p50/p95 ms, every
    status and the queue."""
    out = {}
    for word in words:
        every, queue = QueueFilter(status=None, q=word), QueueFilter(q=word)
        out[word] = {"matches": repository.count(session, every),
                     "queue_matches": repository.count(session, queue),
                     "index": timed(lambda f=every: page_and_count(session, f), runs),
                     "queue_index": timed(lambda f=queue: page_and_count(session, f), runs)}
    return out


def measure(url: str, clues: int, runs: int, query: str = "罚款",
            words: tuple[str, ...] = ()) -> dict:
    engine = create_engine(url)
    started = time.monotonic()
    with Session(engine) as session:
        have = session.scalar(select(func.count()).select_from(Clue))
    if have != clues:  # a kept database (--keep) is filled once
        fill(engine, clues)
    filled = time.monotonic() - started
    f = QueueFilter(status=None, q=query)
    queue, queue_search = QueueFilter(), QueueFilter(q=query)
    out = {"clues": clues, "filled_s": filled, "database": engine.dialect.name}
    with Session(engine) as session:
        out["size"] = index_size(session)
        out["words"] = measure_words(session, list(words), runs)
        out["matches"] = repository.count(session, f)
        out["pending"] = repository.count(session, queue)
        out["index"] = timed(lambda: page_and_count(session, f), runs)
        out["queue"] = timed(lambda: page_and_count(session, queue), runs)
        out["queue_index"] = timed(lambda: page_and_count(session, queue_search), runs)
        out["queue_matches"] = repository.count(session, queue_search)
        few = max(5, runs // 3)
        out["queue_full"] = timed(lambda: full_scan(session, queue), few)
        matches = search.matches
        search.matches = lambda *_, **__: None  # the search before the index: LIKE, newest first
        try:
            out["scan"] = timed(lambda: page_and_count(session, f), few)
            out["queue_scan"] = timed(lambda: page_and_count(session, queue_search), few)
        finally:
            search.matches = matches
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--clues", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", metavar="URL", help="a database to fill once and keep (measured "
                        "again without filling when it already holds --clues clues)")
    parser.add_argument("--query", action="append", default=[], metavar="WORDS",
                        help="another query to time (repeatable), e.g. a one-character 罚")
    args = parser.parse_args()
    words = tuple(args.query)
    if args.keep:
        from hub.db.migrate import upgrade

        upgrade(args.keep)
        result = measure(args.keep, args.clues, args.runs, words=words)
    else:
        url, drop = open_database(args.database)
        try:
            result = measure(url, args.clues, args.runs, words=words)
        finally:
            drop()
    print(f"{result['database']}: {result['clues']:,} clues, 罚款 in {result['matches']:,}, "
          f"filled in {result['filled_s']:.0f} s")
    print("search first page + count, p50 / p95 ms: {:.1f} / {:.1f}".format(*result["index"]))
    print("full scan (LIKE), same page, p50 / p95 ms: {:.1f} / {:.1f}".format(*result["scan"]))
    print(f"queue ({result['pending']:,} pending) first page + count, p50 / p95 ms: "
          "{:.1f} / {:.1f}".format(*result["queue"]))
    print("queue without its index (full scan), p50 / p95 ms: {:.1f} / {:.1f}".format(
        *result["queue_full"]))
    print(f"queue search: 罚款 in {result['queue_matches']:,} pending clues")
    print("queue search, index / full scan, p95 ms: {:.1f} / {:.1f}".format(
        result["queue_index"][1], result["queue_scan"][1]))
    print("index size, MB: " + ", ".join(f"{name} {size / 2**20:.1f}"
                                         for name, size in result["size"].items() if size)
          + f"; total {sum(s or 0 for s in result['size'].values()) / 2**20:.1f}")
    for word, w in result["words"].items():
        print(f"{word}: in {w['matches']:,} clues / {w['queue_matches']:,} pending; first page + "
              "count p50 / p95 ms: {:.1f} / {:.1f}; queue {:.1f} / {:.1f}".format(
                  *w["index"], *w["queue_index"]))


if __name__ == "__main__":
    main()
