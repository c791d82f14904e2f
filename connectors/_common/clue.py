"""Parts of a shared-schema-v1 submission, put together the same way by every mapper."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hub.normalize.codes import CaseNumber, DocumentNumber, load_divisions, region_of_text

from .text import shorten

TITLE_MAX = 200
CONTENT_MAX = 20000
ANONYMOUS_NAMES = frozenset({"匿名", "匿名用户", "匿名来电", "不愿透露", "无", "—", "-"})
# Province abbreviations in case numbers -> the first two digits of the division code.
PROVINCE_PREFIX = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22",
    "黑": "23", "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36",
    "鲁": "37", "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
    "渝": "50", "川": "51", "贵": "52", "云": "53", "藏": "54", "陕": "61", "甘": "62",
    "青": "63", "宁": "64", "新": "65",
}


# Places named in short texts (addresses, handling units, subject names) recur from record to
# record: each (text, hint, table) is read once. Long texts (contents) are read every time.
_MEMO_TEXT_MAX = 80
_MEMO_SIZE = 20_000
_places: dict[tuple[str, str | None, int], str | None] = {}


def _region_of(text: str, near: str | None = None) -> str | None:
    """`region_of_text(text, prefer_prefix=near)`, remembered for short texts."""
    if len(text) > _MEMO_TEXT_MAX:
        return region_of_text(text, prefer_prefix=near)
    key = (text, near, id(load_divisions()))  # a table swapped in (tests) is a new key
    try:
        return _places[key]
    except KeyError:
        pass
    if len(_places) >= _MEMO_SIZE:
        _places.clear()
    found = _places[key] = region_of_text(text, prefer_prefix=near)
    return found


def region(*texts: str | None) -> str | None:
    """The most specific division named in the texts taken together."""
    joined = " ".join(text for text in texts if text)
    return _region_of(joined) if joined else None


def region_of_court(case: CaseNumber) -> str | None:
    """The division of the court that gave a case number: 鄂0322 -> 420322, 鄂03 -> 420300."""
    prefix = PROVINCE_PREFIX.get(case.province)
    if prefix is None or not case.court_code:
        return None
    code = (prefix + case.court_code).ljust(6, "0")
    return code if code in load_divisions() else None


def first_region(*texts: str | None) -> str | None:
    """The region of the first text that names one."""
    for text in texts:
        found = region(text)
        if found:
            return found
    return None


def subject(name: str, credit_code: str | None = None, near: str | None = None) -> dict:
    """A subject unit, with its region read from its name.

    `near` (the clue's region) settles short names such as 房县 that need a hint; a body's
    credit code carries its registration region in characters 3–8, the last resort.
    """
    made: dict[str, Any] = {"name": shorten(name, 200)}
    if credit_code:
        made["credit_code"] = credit_code
    place = _region_of(name, near) if near else region(name)
    if place is None and credit_code and credit_code[2:8] in load_divisions():
        place = credit_code[2:8]
    if place:
        made["region_code"] = place
    return made


def case_reference(case: CaseNumber | None) -> list[dict]:
    return [{"kind": "case_number", "value": str(case)}] if case else []


def document_reference(document: DocumentNumber | None) -> list[dict]:
    return [{"kind": "document_number", "value": str(document)}] if document else []


def ticket_reference(ticket: str | None) -> list[dict]:
    return [{"kind": "ticket", "value": ticket}] if ticket and len(ticket) <= 64 else []


def reporter(
    name: str | None, phone: str | None = None, id_number: str | None = None
) -> dict | None:
    """The person who raised the matter; `匿名` and the like mark an anonymous report."""
    anonymous = name in ANONYMOUS_NAMES
    made: dict[str, Any] = {"anonymous": anonymous}
    if name and not anonymous:
        made["name"] = shorten(name, 50)
    if phone:
        made["phone"] = phone
    if id_number:
        made["id_number"] = id_number
    return made if anonymous or len(made) > 1 else None


def title(*parts: str | None, separator: str = "：") -> str:
    return shorten(separator.join(part for part in parts if part), TITLE_MAX)


def submission(
    *,
    source_ref: str,
    channel: str,
    reported_at: str,
    title: str,
    content: str,
    category: str | None = None,
    region_code: str | None = None,
    subjects: Iterable[dict] = (),
    references: Iterable[dict] = (),
    reporter: dict | None = None,
    urgency: str = "normal",
    extra: dict | None = None,
) -> dict[str, Any]:
    """A submission dict with the optional parts left out when empty."""
    made: dict[str, Any] = {
        "source_ref": source_ref,
        "channel": channel,
        "reported_at": reported_at,
        "title": shorten(title, TITLE_MAX),
        "content": shorten(content, CONTENT_MAX),
        "urgency": urgency,
    }
    optional = {"category": category, "region_code": region_code, "subjects": list(subjects),
                "references": _unique(references), "reporter": reporter, "extra": extra}
    made.update({key: value for key, value in optional.items() if value})
    return made


def _unique(references: Iterable[dict]) -> list[dict]:
    seen: dict[tuple[str, str], dict] = {}
    for ref in references:
        seen.setdefault((ref["kind"], ref["value"]), ref)
    return list(seen.values())
