"""Administrative division codes (GB/T 2260) from the shipped table or an administrator's file."""

from __future__ import annotations

import csv
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import CodeError, normalize_code_text, shown

ENV_VAR = "HUB_DIVISIONS_FILE"
DEFAULT_FILE = Path(__file__).parent / "data" / "divisions.csv"
LEVELS = ("province", "city", "county")
_HEADER = ["code", "name", "level", "parent_code"]
_SIX_DIGITS = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # 'province' | 'city' | 'county'
    parent_code: str  # '' for a province


class DivisionTable:
    """Divisions by code, with their hierarchy; read-only once built."""

    def __init__(self, divisions: list[Division], source_label: str) -> None:
        self.source_label = source_label
        self._by_code = {d.code: d for d in divisions}
        self._children: dict[str, list[Division]] = {}
        for division in sorted(divisions, key=lambda d: d.code):
            self._children.setdefault(division.parent_code, []).append(division)
        self.text_index: Any = None  # built lazily by region_text

    def get(self, code: str) -> Division | None:
        return self._by_code.get(code)

    def name(self, code: str) -> str | None:
        division = self._by_code.get(code)
        return division.name if division else None

    def contains(self, code: str) -> bool:
        return code in self._by_code

    __contains__ = contains

    def children(self, code: str) -> list[Division]:
        return list(self._children.get(code, ()))

    def ancestors(self, code: str) -> list[Division]:
        """Parent first, province last; empty for an unknown code."""
        chain: list[Division] = []
        division = self._by_code.get(code)
        # Bounded by the number of levels, so a hand-built table with a cycle cannot hang us.
        while division and division.parent_code and len(chain) < len(LEVELS):
            division = self._by_code.get(division.parent_code)
            if division:
                chain.append(division)
        return chain

    def full_name(self, code: str) -> str | None:
        """E.g. `湖北省十堰市郧西县`; None for an unknown code."""
        division = self._by_code.get(code)
        if division is None:
            return None
        return "".join(d.name for d in reversed(self.ancestors(code))) + division.name

    def __iter__(self) -> Iterator[Division]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)


_by_file: dict[Path, DivisionTable] = {}
# Keyed by the raw argument and environment, so a warm call costs no file-system look-up.
_by_request: dict[tuple[str | None, str | None], DivisionTable] = {}
_lock = threading.Lock()


def load_divisions(path: str | os.PathLike[str] | None = None) -> DivisionTable:
    """The table at `path`, else at $HUB_DIVISIONS_FILE, else the shipped one; cached per path."""
    env = os.environ.get(ENV_VAR) or None
    request = (os.fspath(path) if path else None, env)
    table = _by_request.get(request)
    if table is None:
        chosen = Path(path or env or DEFAULT_FILE).resolve()
        with _lock:
            table = _by_file.get(chosen)
            if table is None:
                table = _by_file[chosen] = read_division_file(chosen)
            _by_request[request] = table
    return table


def read_division_file(path: Path) -> DivisionTable:
    """Parse and check a division CSV. Raises ValueError naming the file and line (a setup
    error for the administrator, deliberately not a CodeError)."""
    label = path.name
    divisions: list[Division] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(handle)
    except FileNotFoundError:
        raise ValueError(f"区划文件 {path} 不存在（请检查 {ENV_VAR}）") from None
    data_lines = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            if line[1:].strip().startswith("source-label:"):
                label = line.split(":", 1)[1].strip()
        elif line.strip():
            data_lines.append((number, line))
    rows = csv.reader(line for _, line in data_lines)
    for (number, _), row in zip(data_lines, rows, strict=True):
        if row == _HEADER:
            continue
        divisions.append(_division(row, path, number))
    _check_parents(divisions, path)
    return DivisionTable(divisions, label)


def _division(row: list[str], path: Path, number: int) -> Division:
    if len(row) != 4:
        raise ValueError(f"区划文件 {path} 第 {number} 行应有 4 列（code,name,level,parent_code）")
    code, name, level, parent = (cell.strip() for cell in row)
    if not _SIX_DIGITS.fullmatch(code) or not name or level not in LEVELS:
        raise ValueError(f"区划文件 {path} 第 {number} 行格式错误：{row}")
    return Division(code, name, level, parent)


def _check_parents(divisions: list[Division], path: Path) -> None:
    by_code = {d.code: d for d in divisions}
    if len(by_code) != len(divisions):
        raise ValueError(f"区划文件 {path} 有重复的代码")
    for d in divisions:
        parent = by_code.get(d.parent_code)
        # A parent must sit at a higher level, which also rules out cycles.
        if d.level == "province":
            ok = d.parent_code == ""
        else:
            ok = parent is not None and LEVELS.index(parent.level) < LEVELS.index(d.level)
        if not ok:
            raise ValueError(f"区划文件 {path} 中 {d.code} 的上级代码 {d.parent_code!r} 无效")


def check_region_code(value: str, table: DivisionTable | None = None) -> str:
    """A 6-digit code present in the table; returns it normalized."""
    code = normalize_code_text(value)
    if not _SIX_DIGITS.fullmatch(code):
        raise CodeError(f"行政区划代码应为 6 位数字，实际为{shown(code)}")
    table = load_divisions() if table is None else table
    if code not in table:
        raise CodeError(f"行政区划代码 {code} 不存在（依据 {table.source_label} 区划表）")
    return code
