"""Specific things a clue names: places, organizations, persons. Pure.

Two reports of one problem name the same specific things (观音镇, 鑫达物流, 陈某); two
problems of one bureau share only the bureau's vocabulary. Text has no word boundaries, so a
place or an organization is known by the two characters before its suffix (观音 for 观音镇,
民北 for 人民北路, 翠湾 for 翡翠湾小区 and 翡翠湾项目 alike), qualified by the city (first
four digits of the region), so that a county's clue and its city's clue agree.
"""

from __future__ import annotations

import re

from hub.correlate.fields import ALIAS_RE
from hub.correlate.text import FORM_RE

# A name is two Han characters (U+4E00-U+9FFF, none of 省市县区) right before its suffix, or
# before 等 and then the suffix (阳光水岸等小区 lists one estate and others like it: the estate
# is 水岸小区, not 岸等小区), or before 的 after 叫 (一家叫力美的健身房 is 力美健身). `街` is a
# suffix unless 道 follows it (街道 is a street office, hub.correlate.fields).
_PLACE_SUFFIXES = ("镇", "乡", "村", "社区", "小区", "大道", "路", "街", "花园", "市场", "医院",
                   "小学", "隧道", "项目", "工地", "楼盘", "河段", "水库", "园区", "片区")
_ORGANIZATION_SUFFIXES = ("有限公司", "公司", "物流", "大药房", "药房", "超市", "健身", "诊所",
                          "酒店", "饭店", "餐馆", "驾校", "幼儿园", "合作社", "养殖场", "加工厂",
                          "砂石厂", "化工厂", "采石场", "工厂")
_PLACE, _ORGANIZATION = 0, 1
# No suffix is the start of another (so at most one starts at a character) and none starts
# with 等 or 的 (so a name is read through them, or directly, never both at one start).
_KIND_OF = {**dict.fromkeys(_PLACE_SUFFIXES, _PLACE),
            **dict.fromkeys(_ORGANIZATION_SUFFIXES, _ORGANIZATION)}
_SUFFIXES_AT: dict[str, tuple[str, ...]] = {}
for _suffix in _KIND_OF:
    _SUFFIXES_AT[_suffix[0]] = (*_SUFFIXES_AT.get(_suffix[0], ()), _suffix)
_SUFFIX_START = re.compile("[" + "".join(_SUFFIXES_AT) + "]")
_PERSON = re.compile(r"(?<![\u4e00-\u9fff])?([\u4e00-\u9fff])(?:某某|某|先生|女士)")
# Characters that do not occur in the two characters before a suffix, but do in phrases
# that look like a name (一条路, 的小区, 上下班路, 这家超市).
_NOT_A_NAME = re.compile(r"[的了在是到上下一这那个条段和与及从往向把被我你他她们座家农公马走道路镇乡"
                         r"某该此其每各本说有部分些多几很跑去来给让要会能可都也还就才又再只没不]")
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于"
                      "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
                      "闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")


# Stems that are the start of a suffix word (鑫达物流有限公司 also reads as 物流+有限公司), and
# stems that every county has (城关镇 is the county seat, 老旧小区 any old estate): they name
# no particular place.
_NOT_A_STEM = frozenset({"有限", "物流", "公司", "药房", "超市", "健身", "酒店", "工厂", "股份",
                         "城关", "老旧", "置房", "品房", "农贸", "菜市", "乡镇", "农村"})


def _masked(text: str) -> str:
    """Units and the forms' phrases are no part of a name (来电人公司 is the caller's company,
    not a company named 电人): they are read as a comma."""
    return FORM_RE.sub("，", ALIAS_RE.sub("，", text))


def _suffixed(masked: str) -> tuple[list[tuple[int, str, int, str]],
                                   list[tuple[int, str, int, str]]]:
    """Places and organizations in `_masked` text as (start, stem, end, suffix), each kind in
    the order of the starts: every match of a regular expression that looks ahead, from each
    character, for a stem, then 等 or 叫…的 or nothing, then a suffix (`finditer` of
    `(?=(stem)(?:(?<=叫..)的|等)?(suffix))`; the end is the suffix's).

    The suffixes are looked for first (a scan for their first characters), and the stem is
    read back from each: the pattern tried at every character cost most of
    `places_and_organizations` (~35 -> ~10 µs per clue, over the cleaned texts of
    bench/compute_cost.py's clues)."""
    found: tuple[list[tuple[int, str, int, str]], list[tuple[int, str, int, str]]] = ([], [])
    startswith = masked.startswith
    for at in _SUFFIX_START.finditer(masked):
        position = at.start()
        if position < 2:
            continue
        for suffix in _SUFFIXES_AT[at.group()]:
            if startswith(suffix, position):
                break
        else:
            continue
        if suffix == "街" and startswith("道", position + 1):
            continue
        before = masked[position - 1]
        # The stem read through 等 or 叫…的 starts three characters back, the stem right before
        # the suffix two back: in the order of the starts, as are the next suffix's (a suffix
        # never starts with 等 or 的).
        starts = ((position - 3, position - 2)
                  if before == "等" or (before == "的" and position >= 4
                                       and masked[position - 4] == "叫") else (position - 2,))
        end, kind = position + len(suffix), found[_KIND_OF[suffix]]
        for start in starts:
            stem = masked[start:start + 2]
            if (start >= 0 and "\u4e00" <= stem[0] <= "\u9fff" and "\u4e00" <= stem[1] <= "\u9fff"
                    and stem[0] not in "省市县区" and stem[1] not in "省市县区"):
                kind.append((start, stem, end, suffix))
    return found


def _named(matches: list[tuple[int, str, int, str]], city: str) -> dict[str, str]:
    """Names by stem from `_suffixed` matches, leftmost first; a match that starts inside the
    previous one is its tail (宁大药房 inside 康宁大药房)."""
    found: dict[str, str] = {}
    reach = -1
    for start, stem, end, suffix in matches:
        if start < reach or stem in _NOT_A_STEM or _NOT_A_NAME.search(stem):
            continue
        reach = end
        found.setdefault(f"{city}:{stem}", stem + suffix)
    return found


def places(text: str, region: str | None) -> dict[str, str]:
    """Towns, villages, roads, estates, projects named in cleaned text: `city:stem` -> name."""
    return _named(_suffixed(_masked(text))[_PLACE], (region or "")[:4])


def organizations(text: str, region: str | None) -> dict[str, str]:
    """Companies, shops, farms, plants named in cleaned text: `city:stem` -> name."""
    return _named(_suffixed(_masked(text))[_ORGANIZATION], (region or "")[:4])


def places_and_organizations(text: str,
                             region: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """`places(text, region), organizations(text, region)`, the text masked and scanned once."""
    city = (region or "")[:4]
    found = _suffixed(_masked(text))
    return _named(found[_PLACE], city), _named(found[_ORGANIZATION], city)


def persons(text: str, region: str | None) -> dict[str, str]:
    """Persons as documents name them (陈某, 陈先生 -> 陈某): `city:person:陈` -> 陈某."""
    if not any(word in text for word in _PERSON_WORDS):  # most texts name no one so
        return {}
    city = (region or "")[:4]
    return {f"{city}:person:{m.group(1)}": f"{m.group(1)}某" for m in _PERSON.finditer(text)
            if m.group(1) in _SURNAMES}


_PERSON_WORDS = ("某", "先生", "女士")  # one of them is in every match of _PERSON
