"""region_of_text: which division a piece of free Chinese text is about."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.normalize.codes import load_divisions, region_of_text
from hub.normalize.codes.region_text import _Hit, _index_of, _scan, short_form
from hub.normalize.codes.region_words import (
    COMMON_PHRASE_FULL_NAMES,
    COMMON_WORD_SHORT_FORMS,
    SETTLEMENT_AFTER,
)

TABLE = load_divisions()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十堰市郧西县城关镇某某路", "420322"),
        ("郧西县交通运输局不履行法定职责", "420322"),
        ("反映郧西交通局", "420322"),  # short form
        ("茅箭区某街道办事处", "420302"),  # unique name: no city needed
        ("湖北省十堰市", "420300"),
        ("湖北省人民政府", "420000"),
        ("恩施州来凤县", "422827"),
        ("恩施土家族苗族自治州民宗委", "422800"),
        ("新疆白杨市", "659012"),
        ("北京市朝阳区某小区", "110105"),
        ("南京鼓楼区", "320106"),
        ("兰州市城关区", "620102"),
        ("铜陵市郊区", "340711"),  # a weak two-character name, backed by its city
        ("荆州市公安县", "421022"),
        ("武汉市民反映郧西县某局", "420322"),  # a county beats an unrelated city
        ("南京市新城区", "320100"),  # ambiguous county not in the named city: the city
        ("十堰市城区道路", "420300"),
        ("洛阳市老城区", "410302"),
    ],
)
def test_places_found(text: str, expected: str) -> None:
    assert region_of_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "没有地名的投诉",
        "城关区某街道",  # 兰州 and 拉萨 both have one
        "新城区、鼓楼区",
        "朝阳区",
        "公安局不作为，平安建设流于形式",  # 公安县, 平安区: everyday words
        "郊区农村道路破损",  # 郊区 alone is a word, not 铜陵's district
        "乡村振兴资金被挪用",
        "城市管理局在老城区违规设置收费停车位",  # 老城区 is also 洛阳's district
        "房县城关镇",  # 房县 is two characters: needs 十堰 or prefer_prefix
    ],
)
def test_nothing_found(text: str) -> None:
    assert region_of_text(text) is None


def test_prefer_prefix_breaks_ties() -> None:
    assert region_of_text("房县城关镇", prefer_prefix="4203") == "420325"
    assert region_of_text("朝阳区", prefer_prefix="1101") == "110105"
    assert region_of_text("朝阳区", prefer_prefix="110000") == "110105"  # zeros stripped
    assert region_of_text("朝阳区", prefer_prefix="2201") == "220104"
    assert region_of_text("城关区某街道", prefer_prefix="4203") is None
    with pytest.raises(ValueError):
        region_of_text("十堰市", prefer_prefix="shiyan")


def test_a_custom_table(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("code,name,level,parent_code\n420000,湖北省,province,\n"
                    "420300,十堰市,city,420000\n", encoding="utf-8")
    table = load_divisions(path)
    assert region_of_text("十堰市郧西县", table=table) == "420300"


def test_short_forms() -> None:
    assert short_form("郧西县") == "郧西"
    assert short_form("恩施土家族苗族自治州") == "恩施"
    assert short_form("广西壮族自治区") == "广西"
    assert short_form("东乡族自治县") == "东乡"
    assert short_form("神农架林区") == "神农架"
    assert short_form("房县") is None
    assert short_form("香港特别行政区") == "香港"


def test_common_word_lists_only_hold_real_names() -> None:
    assert {short_form(d.name) for d in TABLE} >= COMMON_WORD_SHORT_FORMS
    assert {d.name for d in TABLE} >= COMMON_PHRASE_FULL_NAMES


def test_every_county_is_found_by_its_full_name_with_its_city() -> None:
    missed = []
    for county in TABLE:
        if county.level == "county":
            text = f"{TABLE.full_name(county.code)}某某局"
            if region_of_text(text) != county.code:
                missed.append(county.code)
    assert missed == []


@settings(deadline=None)
@given(st.sampled_from(sorted(d.code for d in TABLE if d.level == "county")))
def test_a_county_in_the_middle_of_a_complaint(code: str) -> None:
    text = f"市民反映：{TABLE.full_name(code)}某某路占道经营问题长期未得到解决，请求督办。"
    assert region_of_text(text) == code


@given(st.text(max_size=60), st.one_of(st.none(), st.sampled_from(["42", "4203", "110000"])))
def test_any_text_gives_none_or_a_known_code(text: str, prefix: str | None) -> None:
    found = region_of_text(text, prefer_prefix=prefix)
    assert found is None or TABLE.contains(found)


def _scan_every_position(text, index):
    """The scan as first written: each position's two characters looked up in turn."""
    hits = []
    for pos in range(len(text) - 1):
        for entry in index.by_bigram.get(text[pos : pos + 2], ()):
            if text.startswith(entry.name, pos):
                end = pos + len(entry.name)
                if not (entry.short and SETTLEMENT_AFTER.match(text, end)):
                    hits.append(_Hit(pos, end, entry))
                break
    hits.sort(key=lambda h: (h.start, -h.end))
    kept, reach = [], -1
    for hit in hits:
        if hit.end > reach:
            kept.append(hit)
            reach = hit.end
    return kept


_NAMES = sorted(d.name for d in TABLE)
_PIECES = st.one_of(
    st.sampled_from(_NAMES), st.sampled_from(_NAMES).map(lambda name: name[:2]),
    st.sampled_from(_NAMES).map(lambda name: name[1:]),
    st.sampled_from(["村", "社区", "路", "街", "镇", "乡", "二组", "湾", "村民", "路段", "县", "市",
                     "区", "自治县", "族", "省", "旗", "盟", "，", "。", " ", "3", "０", "（", "\n"]),
    st.text(st.sampled_from("".join(_NAMES[::7])), max_size=3))


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_scan_finds_what_checking_every_position_finds(text):
    index = _index_of(TABLE)
    assert _scan(text, index) == _scan_every_position(text, index)
