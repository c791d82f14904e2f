"""Where PostgreSQL's time goes, statement by statement, for one database (pg_stat_statements).

The extension counts every statement of the server; the bench reads and resets only the rows
of the hub's own database (`pg_stat_statements_reset(0, dbid, 0)`), so the other users of a
shared server keep their figures. When the server has no pg_stat_statements (it must be in
`shared_preload_libraries`), `Statements.open` gives None and the bench prints nothing.

`total_exec_time` is the time a statement ran in its backend, waits included (a
`pg_advisory_xact_lock` that waited shows its wait here), not CPU alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine


@dataclass
class Statement:
    query: str
    calls: int
    rows: int
    ms: float  # total execution time, milliseconds


# A comment that opens the bench's own statements (bench/ingest.py's end-of-run counts): they
# are left out of the hub's.
OWN_STATEMENT = "/* bench */"


class Statements:
    def __init__(self, engine: Engine, dbid: int) -> None:
        self.engine, self.dbid = engine, dbid

    @classmethod
    def open(cls, admin_url: str, database: str) -> Statements | None:
        """The statements of `database`, read through `admin_url` (the `postgres` database,
        where the extension is created if the server preloads it), or None."""
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                preload = conn.execute(text("SELECT current_setting('shared_preload_libraries')"))
                if "pg_stat_statements" not in preload.scalar_one():
                    raise LookupError("pg_stat_statements is not preloaded")
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
                dbid = conn.execute(text("SELECT oid FROM pg_database WHERE datname = :d"),
                                    {"d": database}).scalar_one()
                conn.execute(text("SELECT 1 FROM pg_stat_statements LIMIT 1")).all()
        except Exception:  # noqa: BLE001 - no extension, no rights, an old server: skip quietly
            engine.dispose()
            return None
        return cls(engine, int(dbid))

    def reset(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_statements_reset(0, CAST(:dbid AS oid), 0)"),
                         {"dbid": self.dbid})

    def read(self) -> tuple[list[Statement], Statement]:
        """Every statement of the database, most time first, and their sum."""
        with self.engine.connect() as conn:
            found = [Statement(_one_line(r.query), int(r.calls), int(r.rows), float(r.ms))
                     for r in conn.execute(text(
                         "SELECT min(query) AS query, sum(calls) AS calls, sum(rows) AS rows, "
                         "sum(total_exec_time + total_plan_time) AS ms FROM pg_stat_statements "
                         "WHERE dbid = CAST(:dbid AS oid) AND position(:own IN query) = 0 "
                         "GROUP BY queryid ORDER BY ms DESC"),
                         {"dbid": self.dbid, "own": OWN_STATEMENT})]
        total = Statement("all statements", sum(s.calls for s in found),
                          sum(s.rows for s in found), sum(s.ms for s in found))
        return found, total

    def close(self) -> None:
        """Leave nothing of the database behind in the server's statistics."""
        try:
            self.reset()
        finally:
            self.engine.dispose()


def _one_line(query: str) -> str:
    return re.sub(r"\s+", " ", query or "").strip()


def lines(statements: list[Statement], total: Statement, clues: int, top: int = 8,
          width: int = 110) -> list[str]:
    """The `top` statements by total time as µs per clue, with their calls and rows."""
    if not clues:
        return []
    head = (f"PostgreSQL time by statement, hub's database only (pg_stat_statements, execution "
            f"+ planning, waits included): {total.ms * 1000 / clues:,.0f} µs per clue in all, "
            f"{total.calls / clues:,.1f} statements per clue; top {top}:")
    rows = [f"  {'µs/clue':>8} {'share':>6} {'calls':>8} {'rows':>9}  statement"]
    for s in statements[:top]:
        query = s.query if len(s.query) <= width else s.query[: width - 1] + "…"
        share = s.ms / total.ms if total.ms else 0.0
        rows.append(f"  {s.ms * 1000 / clues:8,.0f} {share:6.0%} {s.calls:8,} {s.rows:9,}  {query}")
    return [head, *rows]
