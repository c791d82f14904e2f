"""Import and export of the administrator's holiday table as plain text / CSV.

One day per line: ``日期,类型,名称``, e.g. ``2027-01-01,holiday,元旦``.

- dates as ``2027-01-01`` (also ``2027/1/1``, ``2027.1.1`` or ``2027年1月1日``);
- type ``holiday`` (放假) or ``workday`` (上班, e.g. a make-up day); the Chinese words
  放假 / 休 / 假 / 节假日 and 上班 / 班 / 工作日 / 调休上班 are accepted too;
- the name is optional; fields may be separated by ``,``, ``，`` or a tab and may be quoted;
- ``#`` starts a comment (whole line or the rest of a line); blank lines are ignored;
- a first line ``date,kind,name`` or ``日期,类型,名称`` (a spreadsheet header) is skipped.

Every problem raises ValueError with the line number and a plain-Chinese explanation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ._model import Override, OverrideKind

MAX_NAME_LENGTH = 50

_HOLIDAY_WORDS = {"holiday", "放假", "休", "假", "休息", "节假日", "假日", "休假"}
_WORKDAY_WORDS = {"workday", "上班", "班", "工作日", "调休上班", "补班"}
_HEADER_WORDS = {"date", "day", "日期"}

_SEPARATORS = re.compile(r"[,，\t]")
_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")
_COMMENT = re.compile(r"[#＃]")


def _shown(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _parse_date(text: str) -> date:
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"日期“{_shown(text)}”格式不对，应写成 2027-01-01 这样的年-月-日")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{_shown(text)}”不存在，请核对年月日") from None


def _parse_kind(text: str) -> OverrideKind:
    word = text.strip().lower()
    if word in _HOLIDAY_WORDS:
        return "holiday"
    if word in _WORKDAY_WORDS:
        return "workday"
    if not word:
        raise ValueError("缺少类型，应为 holiday（放假）或 workday（上班）")
    raise ValueError(f"类型“{_shown(text)}”无法识别，应为 holiday（放假）或 workday（上班）")


def _fields(line: str) -> list[str]:
    fields = [field.strip().strip('"').strip() for field in _SEPARATORS.split(line)]
    while fields and not fields[-1]:
        fields.pop()
    return fields


def parse_override_lines(text: str, *, year: int | None = None) -> list[Override]:
    """Parse an administrator's list of holidays / working days, in input order.

    With `year`, every date must fall in that year (an import is one year's arrangement).
    Raises ValueError("第 N 行：…") for the first bad line.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    result: list[Override] = []
    seen: dict[date, int] = {}
    first_content = True
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = _COMMENT.split(raw, maxsplit=1)[0].strip()
        if not line:
            continue
        fields = _fields(line)
        if first_content and fields and fields[0].lower() in _HEADER_WORDS:
            first_content = False
            continue
        first_content = False
        try:
            override = _parse_line(fields, year)
        except ValueError as exc:
            raise ValueError(f"第 {number} 行：{exc}") from None
        if override.day in seen:
            raise ValueError(
                f"第 {number} 行：日期 {override.day.isoformat()} 与第 {seen[override.day]} 行重复"
            )
        seen[override.day] = number
        result.append(override)
    return result


def _parse_line(fields: list[str], year: int | None) -> Override:
    if len(fields) < 2:
        raise ValueError("应为“日期,类型,名称”（名称可省略），例如 2027-01-01,holiday,元旦")
    if len(fields) > 3:
        raise ValueError(f"多出 {len(fields) - 3} 项，应为“日期,类型,名称”三项；名称中不要使用逗号")
    day = _parse_date(fields[0])
    if year is not None and day.year != year:
        raise ValueError(f"日期 {day.isoformat()} 不在 {year} 年内")
    kind = _parse_kind(fields[1])
    name = fields[2] if len(fields) == 3 else ""
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"名称过长（{len(name)} 字），不能超过 {MAX_NAME_LENGTH} 字")
    return Override(day, kind, name)


def format_override_lines(overrides: Iterable[Override]) -> str:
    """The text form of `overrides`, sorted by date; `parse_override_lines` reads it back.

    Names are made safe for one field: separators, quotes and line breaks become spaces and
    anything from a ``#`` on is dropped (it would read as a comment).
    """
    lines = ["# 日期,类型,名称（holiday = 放假，workday = 上班）"]
    for item in sorted(overrides, key=lambda o: o.day):
        name = _COMMENT.split(item.name, maxsplit=1)[0]
        name = " ".join(_SEPARATORS.sub(" ", name).replace('"', " ").split())  # one safe field
        lines.append(f"{item.day.isoformat()},{item.kind},{name}".rstrip(","))
    return "\n".join(lines) + "\n"
