"""The labelled evaluation sets and the demo directory as an index, for the bench and tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .index import BodyRecord, DirectoryIndex, build_index
from .resolve import Resolution
from .rows import check_rows
from .sheet import read_sheet

DATA = Path(__file__).parent / "data"
SEED_FILE = DATA / "shiyan_bodies.csv"


def seed_records(path: Path = SEED_FILE) -> list[BodyRecord]:
    """The bodies of a directory file, numbered in file order (no database involved)."""
    rows, refused = check_rows(read_sheet(path))
    if refused:
        raise ValueError(f"{path.name}: {[r.as_json() for r in refused][:3]}")
    ids = {row.name: n for n, row in enumerate(rows, start=1)}
    return [BodyRecord(ids[r.name], r.name, r.region_code, r.level, r.kind, r.aliases,
                       r.credit_code, ids.get(r.parent or "")) for r in rows]


def seed_index(path: Path = SEED_FILE, home: str = "420300") -> DirectoryIndex:
    return build_index(seed_records(path), home=home)


def load_eval(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score_item(item: dict[str, Any], result: Resolution) -> str:
    """correct | unresolved | wrong, as bench/directory.py explains."""
    expected = item["expected"]
    if not result.resolved:
        return "correct" if expected is None else "unresolved"
    return "correct" if result.name == expected else "wrong"
