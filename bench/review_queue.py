"""The review queue's page query at 100,000 pending clues, on SQLite and PostgreSQL.

    .venv/bin/python bench/review_queue.py                      # both databases
    .venv/bin/python bench/review_queue.py --database sqlite --pending 20000

Fills a scratch database (migrated like production) with `--pending` clues waiting for
review plus a fifth as many already decided, ~15% of them in clusters (half of those across
channels), every clue with a routing proposal (ten rules with skew, one rare, 15% "no rule
matched"). Then times what the queue page runs: one page of 50 (hub.review.repository.queue)
first and deep in the queue (page 200, reached by its keyset cursor; the last page when a
filter has fewer), and the count shown in the heading (exact for the whole queue, at most
1000 for a filter), for each filter. PostgreSQL is vacuumed and analyzed after the load (autovacuum's
job in production: without statistics it plans semi-joins as hash joins over every clue);
SQLite runs as the hub runs it, without statistics. p50 and p95 over `--runs` runs after warm-up.
Figures depend on the machine's other load.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.correlate import open_database  # noqa: E402
from hub.correlate.models import ClueCluster, Cluster  # noqa: E402
from hub.db.models import Agency, Clue, RawRecord  # noqa: E402
from hub.review import repository  # noqa: E402
from hub.review.repository import QueueFilter  # noqa: E402
from hub.route.models import RouteProposal, RuleSetVersion  # noqa: E402
from hub.route.service import default_yaml  # noqa: E402
from hub.search import repository as search  # noqa: E402

CHANNELS = ["hotline"] * 5 + ["petition"] * 2 + ["court", "procuratorate", "admin_review",
                                                  "discipline"]
CATEGORIES = ["enforcement", "official_conduct", "judgment_nonperformance", "other"]
REGIONS = ["420302", "420303", "420304", "420322", "420323", "420324", "420325", "420381"]
URGENCY = [("normal", 0)] * 6 + [("important", 1)] * 3 + [("urgent", 2)]
RULES = [f"rule-{n}" for n in range(10)]
RULE_WEIGHTS = [30, 20, 12, 8, 6, 4, 3, 2, 1, 0.2]
PAGE = 50
DEEP = 200


def fill(engine, pending: int, seed: int = 7) -> dict[str, int]:  # noqa: ANN001
    rng = random.Random(seed)
    total = pending + pending // 5
    now = datetime(2026, 11, 30, tzinfo=UTC)
    with Session(engine) as session:
        agency = Agency(name="基准测试", channel="other")
        session.add(agency)
        session.flush()
        raw = RawRecord(agency_id=agency.id, origin="import", sha256="0" * 64, size=0,
                        body_enc=b"", outcome="accepted")
        session.add(raw)
        session.add(RuleSetVersion(version=1, created_by="bench", yaml=default_yaml(),
                                   active=True))
        session.flush()
        clues, proposals = [], []
        for i in range(1, total + 1):
            received = now - timedelta(seconds=(total - i) * 40)
            urgency, priority = rng.choice(URGENCY)
            region = rng.choice(REGIONS)
            clues.append({
                "id": i, "agency_id": agency.id, "source_ref": f"Q-{i}", "raw_record_id": raw.id,
                "received_at": received, "updated_at": received,
                "status": "pending_review" if rng.random() < pending / total else "accepted",
                "channel": rng.choice(CHANNELS), "reported_at": received - timedelta(hours=3),
                "title": f"第{i}号线索：{region}某局执法问题", "content": "群众反映执法不规范。" * 8,
                "category": rng.choice(CATEGORIES), "region_code": region,
                "urgency": urgency, "priority": priority,
                "subjects": [{"name": f"{region}交通运输局"}], "references": []})
            rule = None if rng.random() < 0.15 else rng.choices(RULES, RULE_WEIGHTS)[0]
            proposals.append({"clue_id": i, "rule_set_version": 1, "rule_id": rule,
                              "rule_name": rule, "action": "accept" if rule else None,
                              "reason": "bench", "matched": [], "created_at": received})
        for chunk in range(0, total, 5000):
            session.execute(insert(Clue), clues[chunk:chunk + 5000])
            session.execute(insert(RouteProposal), proposals[chunk:chunk + 5000])
        members, cluster_id, picked = [], 0, None
        ids = list(range(1, total + 1))
        rng.shuffle(ids)
        grouped = ids[: int(total * 0.15)]
        clusters = []
        while grouped:
            size = rng.choice([2, 2, 3, 4])
            group, grouped = grouped[:size], grouped[size:]
            cluster_id += 1
            channels = sorted({clues[g - 1]["channel"] for g in group})
            if rng.random() < 0.5:  # half cross channels; the rest repeat one channel
                channels = channels[:1]
                for g in group:
                    clues[g - 1]["channel"] = channels[0]
            clusters.append({"id": cluster_id, "lead_clue_id": min(group), "lead_set_by": "system",
                             "members": len(group), "channels": len(channels),
                             "channel_list": channels, "created_at": now, "updated_at": now})
            members += [{"clue_id": g, "cluster_id": cluster_id} for g in group]
            if len(channels) > 1 and picked is None:
                picked = cluster_id
        for chunk in range(0, len(clusters), 5000):
            session.execute(insert(Cluster), clusters[chunk:chunk + 5000])
        for chunk in range(0, len(members), 5000):
            session.execute(insert(ClueCluster), members[chunk:chunk + 5000])
        search.rebuild(session)  # what the normalize stage writes beside each clue
        session.commit()
    if engine.dialect.name == "postgresql":  # what autovacuum does after a load like this
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return {"clusters": cluster_id, "cluster": picked or 1}


def cursor_at(session: Session, f: QueueFilter, pages: int) -> str | None:
    """The keyset cursor after `pages` pages (walked once, untimed)."""
    cursor = None
    for _ in range(pages):
        page = repository.queue(session, f, cursor, PAGE)
        if page.next_cursor is None:
            return cursor
        cursor = page.next_cursor
    return cursor


def timed(fn, runs: int) -> tuple[float, float]:  # noqa: ANN001
    for _ in range(3):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def measure(url: str, pending: int, runs: int) -> list[tuple]:
    engine = create_engine(url)
    started = time.monotonic()
    made = fill(engine, pending)
    filled = time.monotonic() - started
    filters = [
        ("全部（最新）", QueueFilter()),
        ("最紧急", QueueFilter(sort="urgent")),
        ("渠道=法院", QueueFilter(channel="court")),
        ("区划 420322 + 类别", QueueFilter(region="420322", category="enforcement")),
        ("仅多来源线索组", QueueFilter(cluster="multi")),
        ("某一线索组", QueueFilter(cluster=str(made["cluster"]))),
        ("规则 rule-0（约 25%）", QueueFilter(rule="rule-0")),
        ("规则 rule-9（约 0.2%）", QueueFilter(rule="rule-9")),
        ("没有规则匹配", QueueFilter(rule="none")),
        ("多来源 + 规则 rule-1", QueueFilter(cluster="multi", rule="rule-1")),
        ("搜索“第12345号”", QueueFilter(q="第12345号")),
    ]
    rows = []
    with Session(engine) as session:
        total = repository.count(session, QueueFilter())
        for name, f in filters:
            deep = cursor_at(session, f, DEEP - 1)
            first = timed(lambda f=f: repository.queue(session, f, None, PAGE), runs)
            later = timed(lambda f=f, c=deep: repository.queue(session, f, c, PAGE), runs)
            cap = repository.COUNT_CAP if repository.filtered(f) else None
            counted = timed(lambda f=f, cap=cap: repository.count(session, f, cap), runs)
            matches = repository.count(session, f)
            rows.append((name, matches, *first, *later, *counted))
    engine.dispose()
    print(f"\n{engine.dialect.name}: {total} 条待研判（另有已决定 {pending // 5} 条），"
          f"{made['clusters']} 个线索组；填充 {filled:.0f} 秒")
    return rows


def show(rows: list[tuple]) -> None:
    head = (f"{'筛选':<22}{'命中':>8}{'首页p50':>9}{'p95':>7}{'第200页p50':>11}{'p95':>7}"
            f"{'页头计数p50':>9}{'p95':>7}  (毫秒；筛选后的计数至多数到 1000)")
    print(head)
    for name, matches, *times in rows:
        cells = "".join(f"{t:>9.1f}" if n % 2 == 0 else f"{t:>7.1f}" for n, t in enumerate(times))
        print(f"{name:<22}{matches:>8}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        url, drop = open_database(kind)
        try:
            show(measure(url, args.pending, args.runs))
        finally:
            drop()


if __name__ == "__main__":
    main()
