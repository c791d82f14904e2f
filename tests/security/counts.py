"""Counts of attacks tried in this run (docs/security.md quotes them).

Each hostile test calls `tried(kind)`; at the end of the session the totals are written to
`var/security-counts.json` (per worker when run with xdist).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

COUNTS: Counter[str] = Counter()
OUT = Path(__file__).resolve().parents[2] / "var" / "security-counts.json"


def tried(kind: str, n: int = 1) -> None:
    COUNTS[kind] += n


def write() -> None:
    if not COUNTS:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    path = OUT.with_name(f"security-counts.{worker}.json") if worker else OUT
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(dict(sorted(COUNTS.items())), indent=2))
