"""Checking the rows of a directory file, one by one, with a Chinese reason for each refusal.

Pure: a row becomes a `BodyRow` or a `Refusal`. Whether a row's parent exists or its name
clashes with a stored body is decided at import, against the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub.normalize.codes import CodeError, check_credit_code, check_region_code, load_divisions

from .sheet import ALIASES, CREDIT, KIND, LEVEL, NAME, PARENT, REGION, Row

LEVELS = ("province", "city", "county", "township")
LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级", "township": "乡级"}
_LEVEL_WORDS = {
    "省级": "province", "省": "province", "市级": "city", "市": "city", "地市级": "city",
    "县级": "county", "县": "county", "区县级": "county", "县区级": "county",
    "乡级": "township", "乡镇级": "township", "乡镇": "township", "乡": "township",
    "镇": "township", "街道": "township", **{level: level for level in LEVELS},
}
_ALIAS_SEPARATORS = re.compile(r"[、;；,，|\n]+")
DEFAULT_KIND = "其他"
NAME_MAX = 200


@dataclass(frozen=True)
class BodyRow:
    line: int
    name: str
    aliases: tuple[str, ...]
    credit_code: str | None
    region_code: str
    level: str
    kind: str
    parent: str | None


@dataclass(frozen=True)
class Refusal:
    line: int
    name: str
    reason: str

    def as_json(self) -> dict:
        return {"line": self.line, "name": self.name, "reason": self.reason}


def compact(text: str) -> str:
    return "".join(text.split())


def parse_row(line: int, values: dict[str, str]) -> BodyRow | Refusal:
    name = compact(values.get(NAME, ""))
    if len(name) < 2:
        return Refusal(line, name, "单位名称为空或过短")
    if len(name) > NAME_MAX:
        return Refusal(line, name[:20] + "…", f"单位名称超过 {NAME_MAX} 字")
    try:
        credit = values.get(CREDIT, "").strip()
        credit_code = check_credit_code(credit) if credit else None
        region = values.get(REGION, "").strip()
        if not region:
            return Refusal(line, name, "缺少行政区划代码")
        region_code = check_region_code(region)
    except CodeError as exc:
        return Refusal(line, name, str(exc))
    level_text = compact(values.get(LEVEL, ""))
    division = load_divisions().get(region_code)
    level = _LEVEL_WORDS.get(level_text) if level_text else (division.level if division else None)
    if level is None:
        return Refusal(line, name, f"层级“{level_text}”无法识别：应为 市级、县级 或 乡级")
    aliases = tuple(dict.fromkeys(
        a for a in (compact(x) for x in _ALIAS_SEPARATORS.split(values.get(ALIASES, "")))
        if len(a) >= 2 and a != name))
    kind = compact(values.get(KIND, "")) or DEFAULT_KIND
    parent = compact(values.get(PARENT, "")) or None
    if parent == name:
        return Refusal(line, name, "上级单位不能是本单位")
    return BodyRow(line, name, aliases, credit_code, region_code, level, kind[:32], parent)


def check_rows(rows: list[Row]) -> tuple[list[BodyRow], list[Refusal]]:
    """Each row checked alone, then repeats within the file refused (the first one stays)."""
    good: list[BodyRow] = []
    refused: list[Refusal] = []
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for line, values in rows:
        row = parse_row(line, values)
        if isinstance(row, Refusal):
            refused.append(row)
        elif row.name in names:
            refused.append(Refusal(line, row.name, f"与第 {names[row.name]} 行单位名称重复"))
        elif row.credit_code and row.credit_code in codes:
            refused.append(Refusal(line, row.name,
                                   f"统一社会信用代码与第 {codes[row.credit_code]} 行重复"))
        else:
            names[row.name] = line
            if row.credit_code:
                codes[row.credit_code] = line
            good.append(row)
    return good, refused
