"""The administrator's file goes in row by row: good rows taken, bad ones refused with a reason,
and importing the same file again changes nothing."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from hub.db.types import utcnow
from hub.directory import repository
from hub.directory.importer import import_file
from hub.directory.models import Body
from hub.directory.resolve import resolve
from hub.directory.service import export_file
from hub.directory.snapshot import current_index
from tests.support.factories import credit_code

HEADER = "单位名称,简称/别名,统一社会信用代码,行政区划代码,层级,类型,上级单位\n"
CITY_CODE = credit_code("11420300MB0000001")
TRANSPORT_CODE = credit_code("11420300MB0000002")
COUNTY_CODE = credit_code("11420322MB0000003")
GOOD = [
    # the parent comes after its child: the file's order does not matter
    f"十堰市交通运输局,市交通局、十堰交通局；十堰市交通局,{TRANSPORT_CODE},420300,市级,政府部门,"
    "十堰市人民政府",
    f"十堰市人民政府,市政府,{CITY_CODE},420300,市级,人民政府,",
    f"郧西县交通运输局,郧西县交通局,{COUNTY_CODE},420322,,政府部门,十堰市交通运输局",
    "郧西县公安局城关派出所,城关派出所,,420322,乡级,派出机构,",
]
BAD = [
    (",无名,,420300,市级,政府部门,", "单位名称"),
    (f"十堰市某局,,{CITY_CODE[:-1]}X,420300,市级,政府部门,", "校验"),
    ("十堰市甲局,,,999999,市级,政府部门,", "999999"),
    ("十堰市乙局,,,420300,特级,政府部门,", "层级"),
    ("十堰市丙局,,,420300,市级,政府部门,十堰市不存在局", "上级单位"),
    ("十堰市人民政府,重复,,420300,市级,人民政府,", "重复"),
    (f"十堰市丁局,,{TRANSPORT_CODE},420300,市级,政府部门,", "信用代码"),
    ("十堰市戊局,,,,市级,政府部门,", "行政区划代码"),
]


def _csv(tmp_path: Path, lines: list[str], name: str = "名录.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text("# 演示\n" + HEADER + "\n".join(lines) + "\n", encoding=encoding)
    return path


def _import(hub, path: Path, replace: bool = False):
    with hub.uow() as uow:
        report = import_file(uow.session, path, now=utcnow(), replace=replace)
        uow.commit()
    return report


def _bodies(hub) -> dict[str, Body]:
    with hub.uow(write=False) as uow:
        return {b.name: b for b in uow.session.scalars(select(Body))}


def test_good_rows_go_in_and_bad_rows_are_refused_each_with_its_reason(hub, tmp_path):
    path = _csv(tmp_path, GOOD + [line for line, _ in BAD])
    report = _import(hub, path)

    assert sorted(report.added) == sorted(line.split(",")[0] for line in GOOD)
    refused = {r.line: r.reason for r in report.refused}
    assert len(refused) == len(BAD)
    for line_no, (_, words) in enumerate(BAD, start=3 + len(GOOD)):
        assert words in refused[line_no], (line_no, refused)
    stored = _bodies(hub)
    transport = stored["十堰市交通运输局"]
    assert transport.aliases == ["市交通局", "十堰交通局", "十堰市交通局"]
    assert transport.parent_id == stored["十堰市人民政府"].id
    assert stored["郧西县交通运输局"].level == "county"  # 层级 left blank: the region's level
    assert stored["郧西县公安局城关派出所"].credit_code is None


def test_importing_the_same_file_again_changes_nothing(hub, tmp_path):
    path = _csv(tmp_path, GOOD)
    _import(hub, path)
    with hub.uow(write=False) as uow:
        before = repository.version(uow.session)
    again = _import(hub, path)
    assert (again.added, again.updated, again.unchanged) == ([], [], len(GOOD))
    with hub.uow(write=False) as uow:
        assert repository.version(uow.session) == before


def test_a_row_updates_the_body_with_its_credit_code_even_under_a_new_name(hub, tmp_path):
    _import(hub, _csv(tmp_path, GOOD))
    first = _bodies(hub)["十堰市交通运输局"]
    renamed = [GOOD[0].replace("十堰市交通运输局,市交通局", "十堰市交通运输管理局,市交通局", 1),
               *GOOD[1:3]]
    renamed[2] = renamed[2].replace(",十堰市交通运输局", ",十堰市交通运输管理局")
    report = _import(hub, _csv(tmp_path, renamed, "改名.csv"))
    assert report.updated == ["十堰市交通运输管理局"] and not report.refused
    stored = _bodies(hub)
    assert stored["十堰市交通运输管理局"].id == first.id
    assert "十堰市交通运输局" not in stored


def test_a_name_held_by_a_body_with_another_credit_code_is_refused(hub, tmp_path):
    _import(hub, _csv(tmp_path, GOOD))
    other = credit_code("11420300MB0000009")
    report = _import(hub, _csv(tmp_path, [f"十堰市人民政府,,{other},420300,市级,人民政府,"], "冲突.csv"))
    assert [r.reason for r in report.refused] == [f"该单位已登记，统一社会信用代码为 {CITY_CODE}，与本行不同"]


def test_an_xlsx_with_a_title_row_and_other_header_words_imports(hub, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["十堰市单位名录（2026 年 11 月）"])
    sheet.append(["单位全称", "简称", "统一社会信用代码", "区划代码", "级别", "单位类型", "上级单位名称"])
    sheet.append(["竹山县交通运输局", "竹山县交通局、竹山交通局", None, 420323, "县级", "政府部门", None])
    sheet.append(["竹山县教育局", None, "not-a-code", "420323", "县级", "政府部门", None])
    path = tmp_path / "名录.xlsx"
    book.save(path)

    report = _import(hub, path)
    assert report.added == ["竹山县交通运输局"]
    assert [(r.line, r.name) for r in report.refused] == [(4, "竹山县教育局")]
    assert _bodies(hub)["竹山县交通运输局"].aliases == ["竹山县交通局", "竹山交通局"]


def test_a_csv_saved_by_excel_in_gbk_imports(hub, tmp_path):
    report = _import(hub, _csv(tmp_path, GOOD[1:2], "gbk.csv", encoding="gb18030"))
    assert report.added == ["十堰市人民政府"]


def test_replace_deactivates_what_the_file_no_longer_lists_and_resolution_follows(hub, tmp_path):
    _import(hub, _csv(tmp_path, GOOD))
    with hub.uow(write=False) as uow:
        assert resolve(current_index(uow.session), "郧西县交通局").name == "郧西县交通运输局"
    report = _import(hub, _csv(tmp_path, GOOD[:2], "少了.csv"), replace=True)
    assert sorted(report.deactivated) == ["郧西县交通运输局", "郧西县公安局城关派出所"]
    assert not _bodies(hub)["郧西县交通运输局"].active
    with hub.uow(write=False) as uow:
        assert resolve(current_index(uow.session), "郧西县交通局").method == "unresolved"
    back = _import(hub, _csv(tmp_path, GOOD))
    assert sorted(back.updated) == ["郧西县交通运输局", "郧西县公安局城关派出所"]


def test_the_export_imports_back_unchanged(directory, tmp_path):
    path = tmp_path / "导出.csv"
    with directory.uow(write=False) as uow:
        count = export_file(uow.session, path, now=utcnow())
    assert count > 300 and path.read_text(encoding="utf-8-sig").startswith("# 单位名录导出")
    report = _import(directory, path)
    assert (len(report.added), len(report.updated), report.unchanged) == (0, 0, count)
    assert not report.refused
