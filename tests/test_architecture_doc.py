"""docs/architecture.md is the map of hub/: every package and top-level module has its row."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "hub"


def _rows() -> set[str]:
    """The paths named in the first cell of the table's rows (`hub/x/`, `hub/x.py`)."""
    named: set[str] = set()
    for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `hub/"):
            named.update(re.findall(r"`(hub/[\w/.]+)`", line.split("|")[1]))
    return named


def test_every_package_under_hub_has_a_row() -> None:
    packages = {f"hub/{p.name}/" for p in HUB.iterdir()
                if p.is_dir() and any(p.glob("*.py"))}
    assert packages - _rows() == set(), "docs/architecture.md has no row for these packages"


def test_every_top_level_module_has_a_row() -> None:
    modules = {f"hub/{p.name}" for p in HUB.glob("*.py") if p.name != "__init__.py"}
    assert modules - _rows() == set(), "docs/architecture.md has no row for these modules"


def test_every_row_names_something_that_exists() -> None:
    gone = {path for path in _rows() if not (ROOT / path).exists()}
    assert gone == set(), "docs/architecture.md has rows for paths that no longer exist"
