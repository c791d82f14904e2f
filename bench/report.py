"""The monthly report at scale: 1,000,000 clues and 300,000 hand-offs in PostgreSQL.

    nice -n 10 .venv/bin/python bench/report.py            # load (once) and measure
    .venv/bin/python bench/report.py --reload              # drop the database and load again
    .venv/bin/python bench/report.py --clues 100000 --database hub_bench_rep_x --drop
                                                           # smaller, in a scratch database

Loads its own database (`hub_bench_reports`, bulk COPY), then measures in a fresh child
process, so the peak memory printed is the report's: the JSON figures, the .docx and the
.xlsx ledger (streamed). Targets: figures ≤ 5 s, docx + xlsx ≤ 30 s, peak memory < 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DB = "hub_bench_reports"
CLUES, HANDOFFS = 1_000_000, 300_000
MONTH = (2026, 10)
START = datetime(2025, 9, 1, tzinfo=UTC)  # 14 months of clues, so last year's October exists
SPAN = (datetime(2026, 11, 1, tzinfo=UTC) - START).total_seconds()
SETTLED_BEFORE = datetime(2026, 9, 1, tzinfo=UTC)
CHANNELS = ["hotline"] * 6 + ["petition", "court", "procuratorate", "discipline", "admin_review",
                              "media"]
CATEGORIES = ["enforcement", "decision", "public_service", "business_environment",
              "judgment_compliance", "official_conduct", "other", None]
FIELDS = ["transport", "market", "environment", "urban", "public_security", None, None]
REGIONS = ["420302", "420303", "420304", "420322", "420323", "420324", "420325", "420381",
           "420300", None]
OUTCOMES = ["rectified", "resolved", "partially_rectified", "case_opened", "accountability",
            "sanction", "org_handling", "no_case"]


def url(database: str) -> str:
    return make_url(PG).set(database=database).render_as_string(hide_password=False)


def admin():
    return create_engine(url("postgres"), isolation_level="AUTOCOMMIT")


def exists() -> bool:
    with admin().connect() as conn:
        return bool(conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DB}))


def load() -> None:
    from hub.db.migrate import upgrade

    with admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB}"'))
    upgrade(url(DB))
    import psycopg

    started = time.monotonic()
    rng = random.Random(7)
    dsn = url(DB).replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO agencies (id, name, channel, active, created_at) VALUES "
                        "(1, '基准测试单位', 'other', true, now())")
            cur.execute("INSERT INTO raw_records (id, agency_id, origin, received_at, sha256, size,"
                        " body_enc, outcome) VALUES (1, 1, 'api', now(), repeat('0', 64), 1, "
                        "'\\x00', 'accepted')")
            cur.execute("INSERT INTO office_users (id, username, display_name, role, "
                        "password_hash, active, created_at) VALUES (1, 'bench', '基准', "
                        "'reviewer', 'x', true, now())")
            cur.execute("INSERT INTO bodies (id, name, aliases, region_code, level, kind, active,"
                        " updated_at) SELECT i, '基准单位' || i, '[]', '420322', 'county', "
                        "'政府部门', true, now() FROM generate_series(1, 500) i")
        received = _copy_clues(conn, rng)
        print(f"  clues loaded {time.monotonic() - started:.0f} s", flush=True)
        _copy_decisions(conn, rng, received)
        _copy_handoffs(conn, rng, received)
        print(f"  hand-offs loaded {time.monotonic() - started:.0f} s", flush=True)
        _copy_clusters(conn, rng, received)
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"loaded in {time.monotonic() - started:.0f} s", flush=True)


def _copy_clues(conn, rng: random.Random) -> list[datetime]:
    received: list[datetime] = []
    cols = ("id, agency_id, source_ref, raw_record_id, received_at, status, updated_at, channel,"
            " reported_at, title, content, category, field, region_code, urgency, priority, "
            "subjects, \"references\", attachments, extra")
    with conn.cursor().copy(f"COPY clues ({cols}) FROM STDIN") as copy:
        # Clues arrive in time order: ids and received_at rise together, as in the hub.
        offsets = sorted(rng.random() * SPAN for _ in range(CLUES))
        for i in range(1, CLUES + 1):
            at = START + timedelta(seconds=offsets[i - 1])
            received.append(at)
            body = rng.randint(1, 500)
            subjects = json.dumps([{"name": f"基准单位{body}", "body_id": body,
                                    "resolved_name": f"基准单位{body}"}], ensure_ascii=False)
            copy.write_row((i, 1, f"B-{i}", 1, at, "pending_review", at, rng.choice(CHANNELS), at,
                            f"基准线索{i}：某单位执法不规范", "内容", rng.choice(CATEGORIES),
                            rng.choice(FIELDS), rng.choice(REGIONS), "normal", 0, subjects,
                            "[]", "[]", "{}"))
    return received


def _copy_decisions(conn, rng: random.Random, received: list[datetime]) -> None:
    kinds = ["accept", "assign", "refer", "transfer", "cc", "decline", "merge"]
    with conn.cursor().copy("COPY decisions (clue_id, kind, target, decided_by, decided_at, via)"
                            " FROM STDIN") as copy:
        for clue_id in range(1, CLUES + 1, 2):
            at = received[clue_id - 1] + timedelta(days=rng.random() * 3)
            copy.write_row((clue_id, rng.choice(kinds), "对象", 1, at, "page"))


def _copy_handoffs(conn, rng: random.Random, received: list[datetime]) -> None:
    from hub.workdays import WorkCalendar

    cal = WorkCalendar()
    cols = ("id, number, clue_id, kind, role, receiver_name, state, sent_at, acknowledged_at, "
            "reply_due_on, due_on, first_replied_at, replied_at, verified_at, closed_at, "
            "created_at, updated_at, version, body_id")
    replies = []
    returns = []
    with conn.cursor().copy(f"COPY handoffs ({cols}) FROM STDIN") as copy:
        for i in range(1, HANDOFFS + 1):
            clue_id = rng.randint(1, CLUES)
            sent = received[clue_id - 1] + timedelta(days=1 + rng.random() * 2)
            kind = rng.choice(["assign", "assign", "refer", "transfer", "cc"])
            sent_day = sent.date()
            due = None if kind == "cc" else cal.add_working_days(sent_day, 10)
            # Hand-offs get done: of those sent two months before the end, about 3 % are
            # still open (stragglers); of the recent ones, many are still in work.
            settled = sent < SETTLED_BEFORE and rng.random() < 0.97
            ack = (sent + timedelta(hours=rng.random() * 72)
                   if settled or rng.random() < 0.9 else None)
            replied = closed = None
            state = "acknowledged" if ack else "sent"
            if ack and kind == "cc" and settled:
                closed, state = ack + timedelta(days=1), "closed"
            if ack and kind != "cc" and (settled or rng.random() < 0.75):
                replied = sent + timedelta(days=rng.random() * 20)
                state = "replied"
                if settled or rng.random() < 0.8:
                    closed = replied + timedelta(days=rng.random() * 5)
                    state = "closed"
                replies.append((i, replied, rng.choice(OUTCOMES)))
            if state == "sent" and rng.random() < 0.1:
                state = "returned"
                returns.append((i, sent + timedelta(days=1)))
            copy.write_row((i, f"JB-{i:09d}", clue_id, kind, "lead", f"受理单位{i % 300}", state,
                            sent, ack, None, due, replied, replied, closed, closed, sent, sent, 1,
                            None))
    with conn.cursor().copy("COPY handoff_replies (handoff_id, final, text, outcome, persons, "
                            "amount_yuan, received_at, actor, via) FROM STDIN") as copy:
        for handoff_id, at, outcome in replies:
            persons = rng.randint(1, 3) if outcome in ("accountability", "sanction",
                                                       "org_handling") else None
            amount = round(rng.random() * 50000, 2) if rng.random() < 0.05 else None
            copy.write_row((handoff_id, True, "办理情况", outcome, persons, amount, at,
                            "agency:1", "api"))
    with conn.cursor().copy("COPY handoff_events (handoff_id, at, actor, via, action, "
                            "from_state, to_state, detail) FROM STDIN") as copy:
        for handoff_id, at in returns:
            copy.write_row((handoff_id, at, "agency:1", "api", "return", "sent", "returned", "{}"))


def _copy_clusters(conn, rng: random.Random, received: list[datetime]) -> None:
    members, clue_id = [], 1
    with conn.cursor().copy("COPY clusters (id, lead_clue_id, lead_set_by, members, channels, "
                            "channel_list, created_at, updated_at) FROM STDIN") as copy:
        for cluster_id in range(1, CLUES // 20 + 1):  # 50,000 at 1 M clues
            size = rng.randint(2, 4)
            ids = list(range(clue_id, clue_id + size))
            clue_id += size + rng.randint(0, 10)
            members += [(c, cluster_id) for c in ids]
            copy.write_row((cluster_id, ids[0], "system", size, 1, "[]", received[ids[0] - 1],
                            received[ids[0] - 1]))
    with conn.cursor().copy("COPY clue_clusters (clue_id, cluster_id) FROM STDIN") as copy:
        for row in members:
            copy.write_row(row)


def _stepper():
    last = [time.monotonic(), "start"]

    def step(message: str) -> None:
        now = time.monotonic()
        print(f"    {now - last[0]:6.2f} s  {last[1]}", flush=True)
        last[:] = [now, message]
    return step


def measure(verbose: bool = False, as_json: bool = False) -> None:
    from hub.container import Hub
    from hub.reports.build import build, context
    from hub.reports.docx import write_docx
    from hub.reports.ledger import write_ledger
    from hub.reports.scope import Scope
    from hub.security.keyring import create_keyring
    from hub.settings import Settings

    tmp = Path(tempfile.mkdtemp())
    settings = Settings(_env_file=None, database_url=url(DB), keyring_path=tmp / "k.json")
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    scope = Scope(*MONTH)
    rows = []
    with hub.uow(write=False) as uow:
        for region in (None, "420322"):
            s = Scope(*MONTH, region)
            t = time.monotonic()
            report = build(uow.session, s, office_name=settings.office_name,
                           progress=_stepper() if verbose else None)
            rows.append((f"JSON figures ({region or '全域'})", time.monotonic() - t,
                         f"{report['figures']['received_total']['total']} clues, "
                         f"{report['figures']['handoffs_open']['total']} open"))
            print(f"  {rows[-1][0]}: {rows[-1][1]:.2f} s", flush=True)
            if region is None:
                whole = report
        report = whole
        t = time.monotonic()
        write_docx(report, tmp / "r.docx")
        rows.append((".docx", time.monotonic() - t, f"{(tmp / 'r.docx').stat().st_size // 1024} KiB"))
        print(f"  .docx: {rows[-1][1]:.2f} s", flush=True)
        t = time.monotonic()
        write_ledger(uow.session, context(uow.session, scope), report, tmp / "r.xlsx")
        rows.append((".xlsx ledger", time.monotonic() - t,
                     f"{(tmp / 'r.xlsx').stat().st_size // 1024} KiB"))
        rows.append(("bare: one GROUP BY over the month", _bare_month(uow.session),
                     "the least any figure reads"))
        rows.append(("bare: empty .docx + plain .xlsx of the ledger's rows",
                     _bare_writers(tmp / "r.xlsx", tmp), "python-docx and openpyxl alone"))
    hub.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if as_json:
        print(json.dumps({"rows": [[n, sec] for n, sec, _ in rows], "peak_mib": peak,
                          "clues": CLUES, "handoffs": HANDOFFS}))
        return
    print(f"\n{'step':<26}{'seconds':>10}  notes")
    for name, seconds, note in rows:
        print(f"{name:<26}{seconds:>10.2f}  {note}")
    print(f"{'peak memory (RSS)':<26}{peak:>9.0f}M  targets: figures ≤ 5 s, docx+xlsx ≤ 30 s, "
          "< 1 GiB")


def _bare_month(session) -> float:  # noqa: ANN001
    """The same run's limit for the figures: one pass over the month's clues, grouped."""
    start = datetime(*MONTH, 1, tzinfo=UTC)
    end = datetime(MONTH[0] + MONTH[1] // 12, MONTH[1] % 12 + 1, 1, tzinfo=UTC)
    t = time.monotonic()
    session.execute(text("SELECT channel, count(*) FROM clues WHERE received_at >= :s AND "
                         "received_at < :e GROUP BY channel"), {"s": start, "e": end}).all()
    return time.monotonic() - t


def _bare_writers(ledger: Path, tmp: Path) -> float:
    """The same run's limit for the documents: an empty .docx saved, and a write-only .xlsx
    of as many rows and columns as the ledger's sheets hold, with plain values."""
    import re
    import zipfile

    from docx import Document
    from openpyxl import Workbook

    with zipfile.ZipFile(ledger) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        shapes = []
        for name in sheets:
            xml = z.read(name).decode()
            first = re.search(r"<row [^>]*>(.*?)</row>", xml, re.S)
            shapes.append((xml.count("<row "), first.group(1).count("<c ") if first else 0))
    t = time.monotonic()
    Document().save(tmp / "bare.docx")
    book = Workbook(write_only=True)
    for rows, columns in shapes:
        ws = book.create_sheet()
        for i in range(rows):
            ws.append([f"值{i}"] * (columns - 1) + [i] if columns else [])
    book.save(tmp / "bare.xlsx")
    return time.monotonic() - t


def run(clues: int, database: str, drop: bool = False, verbose: bool = False) -> dict:
    """Load `clues` clues (and 30 % as many hand-offs) into `database` unless it holds them,
    measure in a child process, and give its figures ({"rows": [[step, seconds]], ...})."""
    args = ["--clues", str(clues), "--database", database]
    try:
        _size(clues, database)
        prepare()
        out = subprocess.run([sys.executable, __file__, "--measure", "--json", *args,
                              *(["--verbose"] if verbose else [])],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        if drop:
            with admin().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def _size(clues: int, database: str) -> None:
    global CLUES, HANDOFFS, DB
    CLUES, HANDOFFS, DB = clues, clues * 3 // 10, database


def prepare(reload: bool = False) -> None:
    """The database loaded (once) and migrated to the newest tables."""
    if reload or not exists() or not _holds(CLUES):
        print(f"loading {CLUES:,} clues and {HANDOFFS:,} hand-offs into {DB} …", flush=True)
        load()
    else:
        from hub.db.migrate import upgrade

        upgrade(url(DB))  # tables added since it was loaded


def _holds(clues: int) -> bool:
    engine = create_engine(url(DB))
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT max(id) FROM clues")) == clues
    except Exception:  # noqa: BLE001 - not migrated yet: load it
        return False
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--clues", type=int, default=CLUES, help="hand-offs: 30 %% as many")
    parser.add_argument("--database", default=DB)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="the figures as one JSON line")
    parser.add_argument("--verbose", action="store_true", help="time each figure")
    args = parser.parse_args()
    _size(args.clues, args.database)
    if args.measure:
        measure(args.verbose, args.json)
        return
    try:
        prepare(args.reload)
        subprocess.run([sys.executable, __file__, "--measure", "--clues", str(CLUES),
                        "--database", DB, *(["--verbose"] if args.verbose else [])], check=True)
    finally:
        if args.drop:
            with admin().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
