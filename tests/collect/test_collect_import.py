"""`hub import FILE --connector NAME`: an office's Excel or CSV export, row by row."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from connectors.base import ConnectorSpec
from connectors.registry import CONNECTORS
from hub.collect.service import map_record
from hub.db.models import RawRecord
from tests.collect.collect_support import cli, count, dead_letters, expected


def clerk_header(spec: ConnectorSpec, field: str) -> str:
    """The header a clerk would type: an alias where the column map knows one."""
    aliases = [h for h, f in spec.columns.items() if f == field and h != field]
    return aliases[0] if aliases else field


def fields_of(records: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(field for record in records for field in record))


def refused_rows(output: str) -> list[int]:
    return [int(n) for n in re.findall(r"第 (\d+) 行 拒收", output)]


def test_an_xlsx_export_is_imported_with_progress_refusals_by_row_and_no_doubles(
        hub, settings, tmp_path: Path):
    spec = CONNECTORS["hotline"]
    records = spec.generate_records(7, 60)
    good = next(r for r in records if map_record(spec, r).kind == "clue")
    records += [{**good, "工单编号": "SY-XLSX-1", "诉求内容": ""},
                {**good, "工单编号": "SY-XLSX-2", "来电时间": "2026年13月8日"}]
    fields = fields_of(records)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["十堰市12345热线工单导出（2026年10月）"])  # a title row above the headers
    sheet.append([clerk_header(spec, f) for f in fields] + ["备注"])
    for index, record in enumerate(records):
        if index == 10:
            sheet.append([])  # a blank row in the middle is skipped
        sheet.append([_cell(record.get(f)) for f in fields] + ["已核对"])
    path = tmp_path / "十堰12345工单.xlsx"
    book.save(path)
    want = expected(spec, records)
    planted = [3 + i + (i >= 10) for i, r in enumerate(records)
               if map_record(spec, r).kind == "refused"]

    out = cli(settings, "import", str(path), "--connector", "hotline").output

    assert f"{len(records)} 行" in out and "未识别的列（已忽略）：备注" in out
    assert f"导入：{len(records)}/{len(records)} 行（100%）" in out
    assert refused_rows(out) == planted
    assert "诉求内容：该字段为空" in out and "“2026年13月8日”不是有效的日期或时间" in out
    assert (f"新线索 {want.new}，已有 {want.known}，非线索 {want.not_clue}，"
            f"拒收 {want.dead_lettered}") in out
    assert count(hub, RawRecord, RawRecord.origin == "import") == len(records)

    again = cli(settings, "import", str(path), "--connector", "hotline").output
    assert f"新线索 0，已有 {want.new + want.known}，非线索 {want.not_clue}" in again
    assert refused_rows(again) == planted
    assert len(dead_letters(hub, "hotline")) == want.open_dead_letters  # not doubled either
    assert all(d.origin == "import" for d in dead_letters(hub, "hotline"))


def _cell(value: Any) -> Any:
    """Dates as a clerk's Excel holds them: real date cells where the text is plain ISO."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", value):
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    return value


def test_a_gbk_csv_and_the_same_rows_in_utf8_import_once(hub, settings, tmp_path: Path):
    spec = CONNECTORS["petition"]
    records = spec.generate_records(5, 40)
    fields = fields_of(records)
    rows = [[clerk_header(spec, f) for f in fields]]
    rows += [["" if r.get(f) is None else r[f] for f in fields] for r in records]
    want = expected(spec, records)
    for name, encoding in (("gbk.csv", "gbk"), ("utf8.csv", "utf-8-sig")):
        with (tmp_path / name).open("w", encoding=encoding, newline="") as file:
            csv.writer(file).writerows(rows)

    first = cli(settings, "import", str(tmp_path / "gbk.csv"), "--connector", "petition")
    assert first.exit_code == 0, first.output
    assert f"新线索 {want.new}，已有 {want.known}，非线索 {want.not_clue}，" \
           f"拒收 {want.dead_lettered}" in first.output
    assert len(refused_rows(first.output)) == want.dead_lettered

    second = cli(settings, "import", str(tmp_path / "utf8.csv"), "--connector", "petition")
    assert f"新线索 0，已有 {want.new + want.known}" in second.output


def test_a_file_the_hub_cannot_read_is_refused_plainly(settings, tmp_path: Path):
    (tmp_path / "notes.csv").write_text("序号,说明\n1,无关内容\n", encoding="utf-8")
    (tmp_path / "fake.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "export.pdf").write_bytes(b"%PDF")
    for name, message in (("notes.csv", "没有找到可识别的表头"),
                          ("fake.xlsx", "无法读取 Excel 文件"),
                          ("export.pdf", "不支持的文件类型")):
        result = cli(settings, "import", str(tmp_path / name), "--connector", "hotline")
        assert result.exit_code == 1 and message in result.output
