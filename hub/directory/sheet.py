"""Directory files as administrators keep them: CSV or XLSX with Chinese headers.

Reading gives each data row with its line number (as the administrator's spreadsheet shows
it), keyed by the canonical header; `#` lines of a CSV are comments. Pure file I/O only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from hub.security.spreadsheet import inert, restored

NAME, ALIASES, CREDIT, REGION, LEVEL, KIND, PARENT = (
    "单位名称", "简称/别名", "统一社会信用代码", "行政区划代码", "层级", "类型", "上级单位")
HEADERS = (NAME, ALIASES, CREDIT, REGION, LEVEL, KIND, PARENT)
# Other ways administrators head the same columns.
_HEADER_SYNONYMS = {
    "名称": NAME, "单位全称": NAME, "简称": ALIASES, "别名": ALIASES, "简称、别名": ALIASES,
    "简称或别名": ALIASES, "信用代码": CREDIT, "统一信用代码": CREDIT, "区划代码": REGION,
    "行政区划": REGION, "级别": LEVEL, "单位类型": KIND, "上级": PARENT, "上级单位名称": PARENT,
}

Row = tuple[int, dict[str, str]]


class SheetError(ValueError):
    """The file as a whole cannot be read (plain Chinese, for the administrator)."""


def canonical_header(text: object) -> str | None:
    label = "".join(str(text or "").split())
    if label in HEADERS:
        return label
    return _HEADER_SYNONYMS.get(label)


def read_sheet(path: Path) -> list[Row]:
    """The data rows of a .csv or .xlsx file, by canonical header."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(f"文件 {path} 不存在")
    if suffix == ".xlsx":
        return _rows(_xlsx_lines(path))
    if suffix in (".csv", ".txt"):
        return _rows(_csv_lines(path))
    raise SheetError(f"不支持的文件类型“{path.suffix}”：请使用 .csv 或 .xlsx")


def _csv_lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # Excel on Chinese Windows saves CSV as GB18030/GBK
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise SheetError("文件编码无法识别：请另存为 UTF-8 编码的 CSV") from None
    lines = text.splitlines(keepends=True)
    kept = [(n, line) for n, line in enumerate(lines, start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.reader(io.StringIO("".join(line for _, line in kept)))
    return [(number, cells) for (number, _), cells in zip(kept, reader, strict=False)]


def _xlsx_lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(f"无法读取 Excel 文件：{type(exc).__name__}") from None
    try:
        sheet = book.worksheets[0]
        rows = [(n, ["" if v is None else str(v).strip() for v in values])
                for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    return [(n, cells) for n, cells in rows if any(cells)]


def _rows(lines: Iterable[tuple[int, list[str]]]) -> list[Row]:
    columns: list[str | None] | None = None
    rows: list[Row] = []
    for number, cells in lines:
        if columns is None:
            labels = [canonical_header(c) for c in cells]
            if NAME in labels:
                columns = labels
            continue
        values = {label: restored(cell.strip())
                  for label, cell in zip(columns, cells, strict=False) if label}
        if any(values.values()):
            rows.append((number, values))
    if columns is None:
        raise SheetError(f"没有找到表头：第一行应包含“{NAME}”等列（{'、'.join(HEADERS)}）")
    return rows


def write_csv(path: Path, rows: Iterable[list[str]], preamble: str = "") -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(preamble)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADERS)
        # A body named "=HYPERLINK(...)" must stay text when the file is opened in Excel.
        writer.writerows([inert(cell) for cell in row] for row in rows)
