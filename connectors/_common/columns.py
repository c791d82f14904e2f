"""Matching spreadsheet headers, as office clerks type them, to native field names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_DECORATION = re.compile(r"^[*＊※]+|[*＊※:：]+$")


def header_key(header: object) -> str:
    """`  *来电时间：` -> `来电时间`; full-width forms, spaces and marks are ignored."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    text = re.sub(r"\s+", "", text)
    return _DECORATION.sub("", text).lower()


def match_headers(
    headers: Sequence[object], columns: Mapping[str, str]
) -> tuple[dict[int, str], list[str]]:
    """Column index -> native field for the headers we know, and the headers we do not.

    When two columns mean the same field, the first one wins.
    """
    known = {header_key(header): field for header, field in columns.items()}
    matched: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        field = known.get(header_key(header))
        if field is None:
            if header_key(header):
                unknown.append(str(header))
        elif field not in matched.values():
            matched[index] = field
    return matched, unknown


def row_to_record(row: Sequence[Any], matched: Mapping[int, str]) -> dict[str, Any]:
    """A native record from one spreadsheet row; cells beyond the row's end are missing."""
    return {field: row[index] for index, field in matched.items() if index < len(row)}


def aliases(**fields: Iterable[str]) -> dict[str, str]:
    """`aliases(工单编号=["工单号"])` -> each field and its aliases mapped to the field."""
    made: dict[str, str] = {}
    for field, others in fields.items():
        for header in (field, *others):
            if made.get(header, field) != field:
                raise ValueError(f"header {header!r} names both {made[header]!r} and {field!r}")
            made[header] = field
    return made
