"""Offices that export Excel or CSV: clerks' headers map to native fields, rows map as records."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from connectors._common.columns import header_key, match_headers, row_to_record
from connectors.base import ConnectorSpec, MappingError
from connectors.registry import CONNECTORS


def outcome(spec: ConnectorSpec, record: dict[str, Any]) -> Any:
    try:
        return spec.to_clue(record)
    except MappingError as exc:
        return ("refused", exc.field)


def clerk_headers(spec: ConnectorSpec, fields: list[str]) -> list[str]:
    """For each field, an alias a clerk would type, decorated as clerks do."""
    headers = []
    for index, field in enumerate(fields):
        aliases = [h for h, f in spec.columns.items() if f == field and h != field]
        header = aliases[index % len(aliases)] if aliases else field
        headers.append(["*" + header, header + "：", f" {header} ", header][index % 4])
    return headers


def native_fields(records: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(field for record in records for field in record))


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_every_native_field_has_a_column(name):
    spec = CONNECTORS[name]
    fields = native_fields(spec.generate_records(1, 300))
    assert set(fields) <= set(spec.columns.values())
    keys = [header_key(header) for header in spec.columns]
    assert len(keys) == len(set(keys)), "two headers read the same"


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_an_xlsx_export_maps_like_the_records_it_came_from(name, tmp_path: Path):
    spec = CONNECTORS[name]
    records = spec.generate_records(1, 80)
    fields = native_fields(records)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*clerk_headers(spec, fields), "备注"])
    for record in records:
        sheet.append([record.get(field) for field in fields] + ["已核对"])
    book.save(tmp_path / "export.xlsx")

    rows = list(openpyxl.load_workbook(tmp_path / "export.xlsx").active.iter_rows(values_only=True))
    matched, unknown = match_headers(rows[0], spec.columns)
    assert sorted(matched.values()) == sorted(fields) and unknown == ["备注"]
    for record, row in zip(records, rows[1:], strict=True):
        assert outcome(spec, row_to_record(row, matched)) == outcome(spec, record)


@pytest.mark.parametrize("name", ["hotline", "court"])
def test_a_csv_export_with_a_bom_maps_the_same(name, tmp_path: Path):
    spec = CONNECTORS[name]
    records = spec.generate_records(1, 60)
    fields = native_fields(records)
    with (tmp_path / "export.csv").open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(clerk_headers(spec, fields))
        writer.writerows([["" if record.get(f) is None else record[f] for f in fields]
                          for record in records])
    with (tmp_path / "export.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    matched, _ = match_headers(rows[0], spec.columns)
    for record, row in zip(records, rows[1:], strict=True):
        assert outcome(spec, row_to_record(row, matched)) == outcome(spec, record)


def test_headers_are_matched_whatever_the_decoration():
    columns = CONNECTORS["hotline"].columns
    matched, unknown = match_headers(["＊工单号", "来电时间：", "联系 电话", "序号", None, "工单编号"],
                                     columns)
    assert matched == {0: "工单编号", 1: "来电时间", 2: "联系电话"}  # the 2nd 工单编号 loses
    assert unknown == ["序号"]
    assert row_to_record(("SY1", "2026-10-08"), matched) == {"工单编号": "SY1", "来电时间": "2026-10-08"}


def test_date_cells_read_as_datetimes_map_like_the_text(tmp_path: Path):
    spec = CONNECTORS["hotline"]
    records = [r for r, t in spec.generate_records(1, 60, with_truth=True)
               if t.outcome == "clue" and "date_style" not in t.dirt and "fullwidth" not in t.dirt]
    book = openpyxl.Workbook()
    book.active.append(["工单号", "来电日期", "诉求内容", "诉求类型", "问题分类"])
    for record in records:
        called_at = datetime.strptime(record["来电时间"].strip(), "%Y-%m-%d %H:%M:%S")
        book.active.append([record["工单编号"], called_at, record["诉求内容"], record["诉求类型"],
                            record["问题分类"]])
    book.save(tmp_path / "dates.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "dates.xlsx").active.iter_rows(values_only=True))
    matched, _ = match_headers(rows[0], spec.columns)
    for record, row in zip(records, rows[1:], strict=True):
        assert isinstance(row[1], datetime)
        clue = spec.to_clue(row_to_record(row, matched))
        assert clue["reported_at"] == spec.to_clue(record)["reported_at"]
