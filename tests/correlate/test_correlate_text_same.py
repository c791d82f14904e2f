"""The cheaper forms of the profile's text functions read any text as the plain ones do: each
is checked against the plain form it replaced, on text made of the characters that matter
(brackets, digits, the issuers' and courts' characters, the units' and suffixes' words)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.correlate import text, things
from hub.correlate.fields import ALIAS_RE
from hub.correlate.text import FORM_RE
from hub.normalize.codes import CodeError, parse_case_number, parse_document_number

_PIECES = ["(", ")", "〔", "〕", "【", "】", "[", "]", "2024", "2023", "12", "0", "号", "第", "鄂",
           "最高法", "0322", "行初", "执", "郧交罚", "竹政复决字", "作出的", "依据", "某", "陈",
           "观音镇", "均州路", "鑫达物流", "有限公司", "交通局", "来电人", "反映", "叫力美的健身",
           "阳光水岸等小区", "，", "。", "a", " ", "县", "市", "(2024)鄂0322行初8号", "〔2024〕",
           "郧交罚〔2023〕56号", "作出的竹政复决字〔2024〕9号", "(2023)最高法行申12号之一",
           "陈先生", "王女士", "李某某", "花果街道办事处", "张湾区人民政府花果街道"]
texts = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=40).map("".join)


def _cases_plainly(cleaned: str) -> set[str]:
    found = set()
    for match in text._CASE.finditer(cleaned):
        try:
            found.add(str(parse_case_number(match.group(0))))
        except CodeError:
            continue
    return found


def _documents_plainly(cleaned: str) -> set[str]:
    found = set()
    for match in text._DOC.finditer(cleaned):
        issuer = text._ISSUER_CUT.sub("", match.group(1))
        if len(issuer) < 2:
            continue
        try:
            found.add(str(parse_document_number(f"{issuer}〔{match.group(2)}〕{match.group(3)}号")))
        except CodeError:
            continue
    return found


# The patterns `things._suffixed` replaced: the stem, then (in a lookahead, tried at every
# character) 等 or 叫…的 and the suffix.
_STEM = r"((?:(?![省市县区])[\u4e00-\u9fff]){2})"
_BETWEEN = r"(?:(?<=叫[\u4e00-\u9fff]{2})的|等)?"
_PLACE = re.compile(_STEM.join(["(?=", _BETWEEN + "(镇|乡|村|社区|小区|大道|路|街(?!道)|花园|市场|医院|小学|隧道|"
                                     "项目|工地|楼盘|河段|水库|园区|片区))"]))
_ORGANIZATION = re.compile(_STEM.join(["(?=", _BETWEEN + "(有限公司|公司|物流|大药房|药房|超市|健身|诊所|"
                                            "酒店|饭店|餐馆|驾校|幼儿园|合作社|养殖场|加工厂|"
                                            "砂石厂|化工厂|采石场|工厂))"]))


def _matches_plainly(pattern: re.Pattern[str], masked: str) -> list[tuple[int, str, int, str]]:
    return [(m.start(), m.group(1), m.end(2), m.group(2)) for m in pattern.finditer(masked)]


# Text made of what a name's match turns on: the suffixes (and their parts: 有限, 药, 工),
# 等, 的, 叫, 道 after 街, 省市县区, Han characters and others (ext. A, digits, punctuation).
_NAME_PIECES = ["镇", "乡", "村", "社区", "小区", "大道", "路", "街", "道", "花园", "市场", "医院",
                "小学", "隧道", "项目", "工地", "楼盘", "河段", "水库", "园区", "片区", "有限公司",
                "有限", "公司", "物流", "大药房", "药房", "药", "超市", "健身", "诊所", "酒店",
                "饭店", "餐馆", "驾校", "幼儿园", "合作社", "养殖场", "加工厂", "砂石厂", "化工厂",
                "采石场", "工厂", "工", "厂", "等", "的", "叫", "省", "市", "县", "区", "观", "音",
                "鑫", "达", "力", "美", "阳光水岸", "一家叫力美的", "\u4e00", "\u9fff", "\u3400",
                "\ua000", "0", "，", "a", "来电人", "交通局"]
name_texts = st.lists(st.sampled_from(_NAME_PIECES), max_size=30).map("".join)


@settings(deadline=None, max_examples=1500)
@given(name_texts | texts)
def test_names_found_from_their_suffixes_are_the_lookahead_patterns_matches(raw: str) -> None:
    places, organizations = things._suffixed(raw)
    assert places == _matches_plainly(_PLACE, raw)
    assert organizations == _matches_plainly(_ORGANIZATION, raw)


def _named_plainly(pattern, cleaned: str, region: str | None) -> dict[str, str]:  # noqa: ANN001
    found: dict[str, str] = {}
    reach = -1
    for match in pattern.finditer(FORM_RE.sub("，", ALIAS_RE.sub("，", cleaned))):
        stem = match.group(1)
        if match.start() < reach or stem in things._NOT_A_STEM or things._NOT_A_NAME.search(stem):
            continue
        reach = match.end(2)
        found.setdefault(f"{(region or '')[:4]}:{stem}", stem + match.group(2))
    return found


@settings(deadline=None, max_examples=300)
@given(texts)
def test_citations_are_found_and_taken_out_as_by_the_full_scan(raw: str) -> None:
    cleaned = text.clean(raw)
    assert text.cited_case_numbers(cleaned) == _cases_plainly(cleaned)
    assert text.cited_document_numbers(cleaned) == _documents_plainly(cleaned)
    assert text.without_citations(cleaned) == text._DOC.sub("", text._CASE.sub("", cleaned))


@settings(deadline=None, max_examples=300)
@given(texts | name_texts, st.sampled_from([None, "420322", "420381"]))
def test_places_and_organizations_are_read_from_one_masked_text(raw: str,
                                                                region: str | None) -> None:
    cleaned = text.clean(raw)
    places, organizations = things.places_and_organizations(cleaned, region)
    assert places == things.places(cleaned, region) == _named_plainly(_PLACE, cleaned,
                                                                      region)
    assert organizations == things.organizations(cleaned, region) == _named_plainly(
        _ORGANIZATION, cleaned, region)


@given(st.text(max_size=60), st.integers(min_value=1, max_value=4))
def test_shingles_are_every_run_of_size_characters(raw: str, size: int) -> None:
    expected = (frozenset([raw]) if raw else frozenset()) if len(raw) <= size else frozenset(
        raw[i:i + size] for i in range(len(raw) - size + 1))
    assert text.shingles(raw, size) == expected


@given(texts | st.text(max_size=30))
def test_a_text_is_read_for_persons_and_street_offices_only_where_their_words_are(
        raw: str) -> None:
    from hub.correlate import fields

    cleaned = text.clean(raw)
    if things._PERSON.search(cleaned):
        assert any(word in cleaned for word in things._PERSON_WORDS)
    if fields._LOCAL.search(cleaned):
        assert "街道" in cleaned
    assert things.persons(cleaned, "420322") == {
        f"4203:person:{m.group(1)}": f"{m.group(1)}某" for m in things._PERSON.finditer(cleaned)
        if m.group(1) in things._SURNAMES}


# Full-width forms, the ideographic space, half-width katakana and their sound marks, combining
# marks, compatibility characters NFKC changes outside the full-width block, Han, ASCII, Cf.
_FOLDED = st.text(alphabet=st.sampled_from(
    [chr(c) for c in range(0xFF00, 0xFFF0)] + [chr(c) for c in range(0x0300, 0x0310)]
    + list("\u3000\u3099\u309a\u200b\ufeff\u00a0 \tｶﾞﾊﾟ①㈱Ⅻﬁ²ÅÅé가각观音镇路aZ0。，（）")), max_size=40)


@settings(max_examples=500)
@given(_FOLDED | texts)
def test_clean_is_nfkc_lower_case_without_invisible_characters(raw: str) -> None:
    import unicodedata

    from hub.normalize.codes.base import visible

    assert text.clean(raw) == visible(unicodedata.normalize("NFKC", raw).lower())


def _prefix_region_plainly(window: str, region: str | None) -> tuple[str | None, str]:
    """`fields._prefix_region` as it was: every length from 7 to 2 looked up."""
    from hub.correlate import fields

    places = fields._places()
    for size in range(min(len(window), 7), 1, -1):
        codes = places.get(window[-size:])
        if codes and region and not window[-size:].endswith(fields._FULL_NAME_END) and all(
                c[:2] != region[:2] for c in codes):
            continue
        if codes:
            local = [c for c in codes if region and c[:4] == region[:4]]
            chosen = local[0] if len(local) == 1 else codes[0] if len(codes) == 1 else None
            return chosen, window[-size:]
    bare = fields._BARE_PREFIX.get(window[-1:]) if window else None
    if bare == "city":
        return fields.city_of(region), window[-1:]
    return region, window[-1:] if bare else ""


def _place_name_pieces() -> list[str]:
    from hub.correlate import fields

    names = sorted(fields._places())
    return names[::40] + ["郧西县", "郧西", "十堰市", "十堰", "会同", "会同县", "湖南省会同县",
                          "张湾区", "茅箭区", "丹江口市", "县", "区", "市", "省", "州", "反映", "。",
                          "a", "0", "的", "人民政府", "郧", "西", "阳"]


@settings(deadline=None, max_examples=800)
@given(st.lists(st.sampled_from(_place_name_pieces()), max_size=6).map("".join),
       st.sampled_from([None, "420322", "420300", "420303", "431225", "110101", "4203"]))
def test_a_units_prefix_is_read_as_by_every_length(raw: str, region: str | None) -> None:
    from hub.correlate import fields

    for cut in range(len(raw) + 1):
        window = raw[max(0, cut - fields._PREFIX_WINDOW):cut]
        assert fields._prefix_region(window, region) == _prefix_region_plainly(window, region)
