"""Subject units and places named in a clue, as comparable keys. Pure (reads the shipped
division table once).

A subject unit's key is `region code:body`, e.g. `420322:交通运输局`, whether the clue names it
`郧西县交通运输局`, `县交通局` or `治超站` (a unit of it): the clue's region stands in for a
missing or bare prefix (县, 区, 市). The directory of government bodies resolves names better;
this is the fallback that needs nothing but the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hub.normalize.codes import load_divisions, region_of_text
from hub.normalize.codes.region_text import short_form

# body -> how clues name it (longest first when matching). Sub-units point at their bureau.
_BODIES = {
    "交通运输局": "交通运输局 交通局 交通部门 治超站 治超检测站 运管所 公路局 公路段",
    "市场监督管理局": "市场监督管理局 市场监管局 市监局 市场监管部门 市场监管所 工商局",
    "人力资源和社会保障局": "人力资源和社会保障局 人社局 人社部门 社保局 劳动保障监察大队 "
                  "劳动监察大队 社会保险经办机构",
    "自然资源和规划局": "自然资源和规划局 自然资源局 国土资源局 国土局 自然资源部门 不动产登记中心",
    "住房和城乡建设局": "住房和城乡建设局 住建局 住建部门 建设局",
    "城市管理执法局": "城市管理执法委员会 城市管理执法局 城市管理局 城管执法局 城管委 城管局 "
               "城管部门 城管执法 城管",
    "生态环境局": "生态环境分局 生态环境局 环境保护局 环保局 环保部门 生态环境部门",
    "应急管理局": "应急管理局 应急局 安监局",
    "卫生健康委员会": "卫生健康委员会 卫生健康局 卫健委 卫健局 卫生部门 卫健部门 卫生监督所",
    "农业农村局": "农业农村局 农业局 农业部门 动物卫生监督所",
    "交通警察支队": "公安局交通警察支队 交通警察支队 交警支队 交警部门 交警 车辆管理所 车管所",
    "公安局": "公安局 公安分局 派出所",
    "教育局": "教育局 教育部门",
    "民政局": "民政局 民政部门",
    "水利局": "水利局 水利部门",
    "司法局": "司法局",
    "财政局": "财政局",
    "税务局": "税务局",
    "人民政府": "人民政府 政府",
}
# Units that exist only at city level: a bare mention in a district's clue means the city's.
_CITY_LEVEL = frozenset({"交通警察支队"})
# Named units below a county: the name is part of the body (花果街道办事处).
_LOCAL = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:街道办事处|街道办|街道)")
_ALIASES = sorted(((alias, body) for body, text in _BODIES.items() for alias in text.split()),
                  key=lambda pair: len(pair[0]), reverse=True)
ALIAS_RE = re.compile("|".join(re.escape(alias) for alias, _ in _ALIASES))
_BODY_OF = dict(_ALIASES)
_BARE_PREFIX = {"县": "self", "区": "self", "市": "city"}
_PREFIX_WINDOW = 8
_FULL_NAME_END = ("省", "市", "县", "区", "州", "旗", "盟")
_DIVISION_END = re.compile(r"[省市县区镇乡府局委办的在]")


@lru_cache(maxsize=1)
def _places() -> dict[str, tuple[str, ...]]:
    """Place names (full and short forms) -> division codes."""
    names: dict[str, set[str]] = {}
    for division in load_divisions():
        if division.level == "province":
            continue
        names.setdefault(division.name, set()).add(division.code)
        short = short_form(division.name)
        if short and len(short) >= 2:
            names.setdefault(short, set()).add(division.code)
    return {name: tuple(sorted(codes)) for name, codes in names.items()}


def city_of(region: str | None) -> str | None:
    return f"{region[:4]}00" if region and len(region) == 6 else None


def place_names(region: str | None) -> list[str]:
    """Names of the region and its city, full and short, to take out of the compared text."""
    table, names = load_divisions(), []
    for code in {region, city_of(region)} - {None}:
        name = table.name(code)
        if name:
            names += [name, short_form(name) or name]
    return names


def _place_sizes(places: dict[str, tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """The last two characters of the place names -> the lengths (2 to 7, longest first) of
    the names that end with them; built once for each `_places()` table."""
    if _SIZES_OF[0] is not places:
        sizes: dict[str, set[int]] = {}
        for name in places:
            if 2 <= len(name) <= 7:
                sizes.setdefault(name[-2:], set()).add(len(name))
        _SIZES_OF[:] = places, {ending: tuple(sorted(found, reverse=True))
                                for ending, found in sizes.items()}
    return _SIZES_OF[1]


_SIZES_OF: list = [None, {}]  # the `_places()` table, its `_place_sizes`


def _prefix_region(window: str, region: str | None) -> tuple[str | None, str]:
    """(region code, prefix text) for the place named right before a body, if any: the
    longest place name (up to 7 characters) the window ends with.

    Only the lengths of the names that end with the window's last two characters are looked
    up, not every length from 7 to 2 (_prefix_region ~8 -> ~3 µs per clue over
    bench/compute_cost.py's clues)."""
    places = _places()
    for size in _place_sizes(places).get(window[-2:], ()):
        if size > len(window):
            continue
        codes = places.get(window[-size:])
        if codes and region and not window[-size:].endswith(_FULL_NAME_END) and all(
                c[:2] != region[:2] for c in codes):
            continue  # a short form far away is a word (会同住建部门: 会同县 is in Hunan)
        if codes:
            local = [c for c in codes if region and c[:4] == region[:4]]
            chosen = local[0] if len(local) == 1 else codes[0] if len(codes) == 1 else None
            return chosen, window[-size:]
    bare = _BARE_PREFIX.get(window[-1:]) if window else None
    if bare == "city":
        return city_of(region), window[-1:]
    return region, window[-1:] if bare else ""


def subject_mentions(text: str, region: str | None) -> tuple[set[str], list[str]]:
    """Subject keys named in cleaned text, and the matched strings (prefix included)."""
    keys: set[str] = set()
    spans: list[str] = []
    for match in _LOCAL.finditer(text) if "街道" in text else ():  # in every match
        window = text[max(0, match.start() - _PREFIX_WINDOW):match.start()]
        named, prefix = _prefix_region(window, region)
        if named is None:  # 张湾区人民政府花果街道办事处: the district is further back
            named = region_of_text(window)
        if named:
            keys.add(f"{named}:{_DIVISION_END.split(match.group(1))[-1]}街道")
            spans.append(prefix + match.group(0))
    for match in ALIAS_RE.finditer(text):
        body = _BODY_OF[match.group(0)]
        named, prefix = _prefix_region(text[max(0, match.start() - _PREFIX_WINDOW):match.start()],
                                       region)
        spans.append(prefix + match.group(0))
        if body == "人民政府" and not prefix:
            continue  # a bare 政府 is any government
        if body in _CITY_LEVEL or (named and named.endswith("00") and named != region):
            named = city_of(named)
        if named is None:
            continue
        keys.add(f"{named}:{body}")
        if not prefix and body not in _CITY_LEVEL and city_of(named) != named:
            keys.add(f"{city_of(named)}:{body}")  # a bare 城管 may be the city's as well
    return keys, spans
