"""Spreadsheet drops: an office's XLSX or CSV export read as native records, row by row.

Headers are matched by the connector's column map (clerks' aliases included); each row
becomes one native record and takes the same path as a pulled one (raw kept, mapped,
recorded or dead-lettered), a chunk of rows per transaction. Re-importing the same file
finds every clue already known: nothing is doubled.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors._common.columns import match_headers, row_to_record
from connectors.base import ConnectorSpec
from hub.collect.service import RecordResult, Tally, accept_records, connector_agency
from hub.container import Hub
from hub.errors import HubError

CHUNK_ROWS = 200
HEADER_SEARCH_ROWS = 10  # a title row or two may come before the headers


class SpreadsheetError(HubError):
    status_code = 422
    code = "spreadsheet_invalid"


@dataclass
class Sheet:
    """The rows of a file as native records, with the row number each came from."""

    rows: list[tuple[int, dict[str, Any]]]
    matched: dict[int, str]
    unknown_headers: list[str]


@dataclass(frozen=True)
class Refusal:
    row: int
    field: str | None
    reason: str
    dead_letter_id: int | None


@dataclass
class ImportSummary:
    tally: Tally = field(default_factory=Tally)
    refusals: list[Refusal] = field(default_factory=list)


def read_sheet(path: Path, columns: dict[str, str]) -> Sheet:
    rows = list(_read_rows(path))
    header_at, matched, unknown = _find_headers(rows, columns)
    records = []
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if any(_filled(cell) for cell in row):
            records.append((number, {k: _jsonable(v) for k, v in
                                     row_to_record(row, matched).items()}))
    return Sheet(records, matched, unknown)


def import_sheet(hub: Hub, spec: ConnectorSpec, sheet: Sheet,
                 progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Record the sheet's rows; `progress(n)` after each chunk of n rows."""
    agency_id = connector_agency(hub, spec)
    summary = ImportSummary()
    for start in range(0, len(sheet.rows), CHUNK_ROWS):
        chunk = sheet.rows[start:start + CHUNK_ROWS]
        results = accept_records(hub, spec, agency_id, "import", [r for _, r in chunk])
        summary.tally.add(results)
        summary.refusals += [_refusal(chunk[r.index][0], r) for r in results if r.status == 422]
        if progress is not None:
            progress(len(chunk))
    return summary


def _refusal(row: int, result: RecordResult) -> Refusal:
    first = (result.errors or [None])[0]
    where = [str(p) for p in first.loc[1:]] if first else []
    reason = "；".join(e.msg for e in result.errors or [])
    return Refusal(row, ".".join(where) or None, reason, result.dead_letter_id)


def _read_rows(path: Path) -> Iterable[Sequence[Any]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix in (".csv", ".txt"):
        return list(csv.reader(io.StringIO(decode_csv(path.read_bytes()), newline="")))
    raise SpreadsheetError(f"不支持的文件类型“{path.suffix}”：请使用 .xlsx 或 .csv")


def _xlsx_rows(path: Path) -> list[tuple[Any, ...]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SpreadsheetError(f"无法读取 Excel 文件 {path.name}：{exc}") from None
    try:
        return [tuple(row) for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK (read as GB 18030, its superset)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SpreadsheetError("CSV 文件既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8 后再导入") from None


def _find_headers(rows: list[Sequence[Any]], columns: dict[str, str]
                  ) -> tuple[int, dict[int, str], list[str]]:
    """The row among the first few that names the most known columns."""
    best = (-1, {}, [])
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched, unknown = match_headers(row, columns)
        if len(matched) > len(best[1]):
            best = (index, matched, unknown)
    if best[0] < 0:
        known = "、".join(dict.fromkeys(columns.values()))
        raise SpreadsheetError(f"前 {HEADER_SEARCH_ROWS} 行中没有找到可识别的表头；"
                               f"应包含以下列中的若干列：{known}")
    return best


def _filled(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""


def _jsonable(value: Any) -> Any:
    """A cell as JSON keeps it: dates as ISO text (which the mappers read back the same)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
