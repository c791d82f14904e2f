"""The ingest benchmark's bookkeeping, without running a hub: a batch-only run reports without
dividing by zero, each phase gets a database of its own, and the statement lines read right."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import ingest, pg_statements


def test_each_embedded_database_is_new_and_dropped(tmp_path: Path) -> None:
    first = ingest.new_database("embedded", tmp_path, "hub")
    second = ingest.new_database("embedded", tmp_path, "hub")
    assert first != second
    path = Path(first.removeprefix("sqlite:///"))
    path.write_bytes(b"")
    Path(f"{path}-wal").write_bytes(b"")
    ingest.drop_database(first)
    assert not path.exists() and not Path(f"{path}-wal").exists()


def test_a_batch_only_run_has_no_single_limits(tmp_path: Path) -> None:
    args = argparse.Namespace(backend="embedded", concurrency=32)
    assert ingest.bench_bare_endpoint(args, tmp_path, []) is None
    assert ingest.bench_executemany(args, tmp_path, []) is None


def test_a_batch_only_report_prints(capsys) -> None:  # noqa: ANN001
    args = argparse.Namespace(backend="server", n=1000, single=0, concurrency=32)
    hub = {"batch_e2e": 250.0, "batch_p50": 900.0, "batch_p99": 1500.0,
           "batch_cpu_us": {"api": 500.0, "worker": 2000.0}, "lock_wait_us": 12.0,
           "statements": ["PostgreSQL time by statement …"]}
    ingest.report(args, hub, None, None)
    out = capsys.readouterr().out
    assert "batch, clues/s end to end" in out and "≥ 1,000" in out
    assert "2,500" in out  # CPU µs per clue, all processes
    assert "single push" not in out
    assert "PostgreSQL time by statement" in out


def test_batch_targets_follow_the_issue() -> None:
    assert ingest.batch_target("embedded") == 1500
    assert ingest.batch_target("server") == 1000


def test_statement_lines_are_per_clue_most_time_first() -> None:
    found = [pg_statements.Statement("SELECT  a\n FROM b", 10, 100, 3.0),
             pg_statements.Statement("INSERT INTO c " + "x" * 200, 2, 1000, 1.0)]
    total = pg_statements.Statement("all statements", 12, 1100, 4.0)
    lines = pg_statements.lines(found, total, clues=1000, top=8)
    assert "4 µs per clue in all" in lines[0]
    assert lines[2].split()[:4] == ["3", "75%", "10", "100"]
    assert lines[3].endswith("…")
    assert pg_statements.lines(found, total, clues=0) == []


def test_a_report_with_single_pushes_and_no_limits_prints(capsys) -> None:  # noqa: ANN001
    args = argparse.Namespace(backend="embedded", n=1000, single=1000, concurrency=32)
    hub = {"single_rps": 40.0, "single_e2e": 35.0, "single_p50": 300.0, "single_p99": 900.0,
           "single_cpu_us": {"hub (API + worker + scheduler)": 4000.0}, "single_per_transaction": 1.5,
           "api_split": [], "single_load": 3.0}
    ingest.report(args, hub, None, None)
    out = capsys.readouterr().out
    assert "single push, requests/s" in out and "batch, clues/s" not in out
    assert "4,000" in out
