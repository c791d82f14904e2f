"""Resolving subject units as partners write them: each method, ambiguity, and no crashes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.directory.index import BodyRecord, build_index
from hub.directory.resolve import resolve
from hub.directory.subjects import find_in_text


def test_a_known_credit_code_wins_whatever_the_name_says(seed):
    code = next(b.credit_code for b in seed.bodies.values() if b.name == "十堰市交通运输局")
    found = resolve(seed, "市交通局", credit_code=code.lower(), clue_region="420322")
    assert (found.method, found.name, found.score) == ("credit_code", "十堰市交通运输局", 100.0)


def test_an_unknown_credit_code_falls_back_to_the_name(seed):
    found = resolve(seed, "郧西县市场监督管理局", credit_code="91420381MA4912345X")
    assert (found.method, found.name) == ("name", "郧西县市场监督管理局")


def test_the_full_name_in_any_dress_is_found_by_name(seed):
    for dressed in ("十堰市交通运输局", " 十堰市交通运输局\u3000", "\u200b十堰市交通运输局\t"):
        found = resolve(seed, dressed)
        assert (found.method, found.name) == ("name", "十堰市交通运输局"), dressed


@pytest.mark.parametrize(("written", "region", "expected"), [
    ("郧西县交通局", None, "郧西县交通运输局"),
    ("郧西交警大队", None, "郧西县公安局交通警察大队"),
    ("十堰中院", None, "十堰市中级人民法院"),
    ("十堰市场监管局", None, "十堰市市场监督管理局"),  # 十堰 + 市场监管局, not 十堰市 + 场监管局
    ("湖北省十堰市郧西县住建局", None, "郧西县住房和城乡建设局"),
    ("郧县人民法院", None, "郧阳区人民法院"),  # the county's name before 2014
    ("十堰市生态环境局（郧西分局）", None, "十堰市生态环境局郧西县分局"),
])
def test_aliases_and_abbreviations_resolve_with_the_place_written(seed, written, region, expected):
    found = resolve(seed, written, clue_region=region)
    assert (found.method, found.name) == ("alias", expected)


@pytest.mark.parametrize(("written", "region", "expected"), [
    ("市交通局", "420322", "十堰市交通运输局"),  # 市 in a county's clue: the city's bureau
    ("县交通局", "420322", "郧西县交通运输局"),
    ("市住建局", "420381", "丹江口市住房和城乡建设局"),  # 丹江口 is a county-level 市
    ("区城管局", "420303", "张湾区城市管理执法局"),
    ("交通运输局", "420322", "郧西县交通运输局"),
    ("交通运输局", "420300", "十堰市交通运输局"),
    ("中级人民法院", "420322", "十堰市中级人民法院"),  # no county has one: the city's
    ("城关派出所", "420323", "竹山县公安局城关派出所"),
])
def test_relative_and_bare_names_are_placed_by_the_clues_region(seed, written, region, expected):
    found = resolve(seed, written, clue_region=region)
    assert (found.method, found.name) == ("alias", expected)


def test_the_subjects_own_region_comes_before_the_clues(seed):
    found = resolve(seed, "交通运输局", region_code="420323", clue_region="420300")
    assert found.name == "竹山县交通运输局"


@pytest.mark.parametrize(("written", "region"), [
    ("交通运输局", None), ("县交通局", None), ("县政府", "420300"), ("城关镇政府", None)])
def test_a_name_several_bodies_share_stays_unresolved_with_them_as_candidates(
        seed, written, region):
    found = resolve(seed, written, clue_region=region)
    assert found.method == "unresolved" and found.reason == "ambiguous"
    assert found.body_id is None and len(found.candidates) >= 2


@pytest.mark.parametrize(("written", "expected"), [
    ("郧西县交通运输句", "郧西县交通运输局"),
    ("郧阳区人民检查院", "郧阳区人民检察院"),
    ("十堰市自然资源与规划局", "十堰市自然资源和规划局"),
    ("张湾区市场监管局花果所", "张湾区市场监督管理局"),  # a part resolves to its listed body
])
def test_typos_and_variants_resolve_approximately_with_a_score(seed, written, expected):
    found = resolve(seed, written)
    assert (found.method, found.name) == ("fuzzy", expected)
    assert 85 <= found.score < 100


def test_below_the_threshold_nothing_is_resolved_but_the_best_are_listed(seed):
    loose = resolve(seed, "郧西县交通运输句", threshold=85)
    strict = resolve(seed, "郧西县交通运输句", threshold=95)
    assert loose.resolved and not strict.resolved
    assert strict.reason == "low_score"
    assert strict.candidates[0].name == "郧西县交通运输局"
    assert strict.as_json()["candidates"][0] == {
        "body_id": strict.candidates[0].body_id, "name": "郧西县交通运输局",
        "score": strict.candidates[0].score}


@pytest.mark.parametrize("written", [
    "郧西县人民医院", "武汉市交通运输局", "襄阳市市场监督管理局", "十堰市鑫源物流有限公司",
    "张三", "有关部门", "十堰市气象局", "房县城关镇东街社区居委会"])
def test_bodies_outside_the_directory_stay_unresolved(seed, written):
    assert resolve(seed, written, clue_region="420300").method == "unresolved"


def test_an_empty_directory_resolves_nothing():
    empty = build_index([])
    assert resolve(empty, "十堰市交通运输局").reason == "empty_directory"


def test_an_index_is_built_from_any_records_not_only_the_seed():
    index = build_index([BodyRecord(1, "襄阳市交通运输局", "420600", "city", aliases=("襄阳交通局",))],
                        home="420600")
    assert resolve(index, "市交通局").name == "襄阳市交通运输局"
    assert resolve(index, "襄阳交通局").name == "襄阳市交通运输局"


def test_the_body_a_clues_text_names_is_found(seed):
    found = find_in_text(seed, "反映执法问题", "郧西县交通运输局执法人员在上津镇路段多次罚款不开票。")
    assert found["resolved_name"] == "郧西县交通运输局"
    assert found["resolution"] == {"method": "text", "score": 100.0}
    assert found["name"] == "郧西县交通运输局" and found["origin"] == "text"


def test_in_text_a_court_gives_way_to_the_body_the_clue_is_about(seed):
    content = "十堰市中级人民法院判决撤销竹山县自然资源和规划局作出的行政处罚决定。"
    assert find_in_text(seed, "", content)["resolved_name"] == "竹山县自然资源和规划局"
    assert find_in_text(seed, "", "十堰市中级人民法院执行难")["resolved_name"] == "十堰市中级人民法院"
    assert find_in_text(seed, "城管", "有关部门乱罚款") is None


@settings(max_examples=300, deadline=None)
@given(name=st.one_of(st.none(), st.integers(), st.text(max_size=60)),
       credit=st.one_of(st.none(), st.text(max_size=20)),
       region=st.one_of(st.none(), st.sampled_from(["420300", "420322", "999999", ""]),
                        st.text(max_size=8)),
       threshold=st.floats(min_value=0, max_value=100))
def test_any_input_resolves_or_not_without_raising(seed, name, credit, region, threshold):
    found = resolve(seed, name, credit_code=credit, region_code=region, clue_region=region,
                    threshold=threshold)
    assert found.method in ("credit_code", "name", "alias", "fuzzy", "unresolved")
    assert (found.body_id is None) == (found.method == "unresolved")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["", "十堰市", "郧西县交通局", "县"]))
def test_any_text_is_scanned_without_raising(seed, text, insert):
    found = find_in_text(seed, insert, text + insert)
    assert found is None or found["body_id"] in seed.bodies
