"""Find the administrative division a piece of free Chinese text is about."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .divisions import DivisionTable, load_divisions
from .region_words import COMMON_PHRASE_FULL_NAMES, COMMON_WORD_SHORT_FORMS, SETTLEMENT_AFTER

# Longest first, so 自治县 goes before 县 and 林区 before 区.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "矿区",
             "省", "市", "区", "县", "旗", "盟")
# Ethnic names inside autonomous divisions' names (恩施土家族苗族自治州 -> 恩施).
_ETHNIC_TEXT = """
蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山
拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克
怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各
"""
_ETHNIC = _ETHNIC_TEXT.split()
_ETHNIC_TAILS = sorted(
    [e + "族" for e in _ETHNIC] + [e for e in _ETHNIC if len(e) >= 2], key=len, reverse=True
)
_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


@lru_cache(maxsize=1 << 14)  # division names: the index, correlation and the directory ask alike
def short_form(name: str) -> str | None:
    """`郧西县` -> `郧西`, `恩施土家族苗族自治州` -> `恩施`; None when under 2 characters."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return None
    if suffix.startswith("自治"):
        stem = _strip_ethnic(stem)
    return stem if len(stem) >= 2 and stem != name else None


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for tail in _ETHNIC_TAILS:
            if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                stem, changed = stem[: -len(tail)], True
                break
    # Named after the people itself (东乡族自治县, 鄂温克族自治旗): keep the name, drop 族.
    return stem[:-1] if stem.endswith("族") and len(stem) > 2 else stem


# Named tuples, not dataclasses: thousands of entries live as long as the process, and tuples
# of strings are left out of the garbage collector's passes; a hit is made per name found.
class _Entry(NamedTuple):
    name: str
    codes: tuple[str, ...]  # more than one when the name is used in several places
    weak: bool  # 和县, 郊区, 老城区: also ordinary runs of text, so they need backing
    short: bool = False  # a short form (石门, 北京): also the first part of other names


@dataclass(frozen=True)
class _Index:
    by_bigram: dict[str, tuple[_Entry, ...]]  # entries longest first
    ancestors: dict[str, tuple[str, ...]]
    rank: dict[str, int]
    # The two characters at each position where a name can begin: a first character of a name
    # followed by a second character of one (a sixth of a clue's positions, a third of them a
    # name's first two characters), in order.
    starts: Callable[[str], list[str]]


class _Hit(NamedTuple):
    start: int
    end: int
    entry: _Entry


def _build_index(table: DivisionTable) -> _Index:
    full: dict[str, set[str]] = defaultdict(set)
    short: dict[str, set[str]] = defaultdict(set)
    for division in table:
        full[division.name].add(division.code)
        form = short_form(division.name)
        if form and form not in COMMON_WORD_SHORT_FORMS:
            short[form].add(division.code)
    entries = [
        _Entry(name, tuple(sorted(codes)), len(name) < 3 or name in COMMON_PHRASE_FULL_NAMES)
        for name, codes in full.items()
    ]
    # A short form is kept only when it points at one place and is nobody's full name.
    entries += [
        _Entry(name, (next(iter(codes)),), False, short=True)
        for name, codes in short.items()
        if len(codes) == 1 and name not in full
    ]
    grouped: dict[str, list[_Entry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.name[:2]].append(entry)
    return _Index(
        by_bigram={k: tuple(sorted(v, key=lambda e: -len(e.name))) for k, v in grouped.items()},
        ancestors={d.code: tuple(a.code for a in table.ancestors(d.code)) for d in table},
        rank={d.code: _LEVEL_RANK[d.level] for d in table},
        starts=_starts_regex(grouped).findall,
    )


def _starts_regex(bigrams: Iterable[str]) -> re.Pattern:
    """Captures the two characters wherever a bigram's first character is followed by a second
    one's (a lookahead: overlapping pairs are all found).

    sre skips the other positions in C, and Python looks up only these candidates' bigrams:
    region_of_text on bench/synth.py's clues went from 33 to 25 µs per clue (both versions
    alternated in one process; bench/compute_cost.py region moves alike, on a noisy machine).
    """
    firsts, seconds = set(), set()
    for bigram in bigrams:
        if len(bigram) == 2:
            firsts.add(bigram[0])
            seconds.add(bigram[1])
    if not firsts:
        return re.compile("(?!)")  # no names: never matches

    def char_class(chars: set[str]) -> str:
        return "[" + "".join(map(re.escape, sorted(chars))) + "]"

    return re.compile(f"(?=({char_class(firsts)}{char_class(seconds)}))")


def _index_of(table: DivisionTable) -> _Index:
    if table.text_index is None:
        table.text_index = _build_index(table)  # a race only builds it twice
    return table.text_index


def _scan(text: str, index: _Index) -> list[_Hit]:
    """Longest name at each position, minus names inside a longer one (城区 in 新城区), and
    minus short forms that begin the name of a village, community, group, street or town
    (石门村, 双河二组, 北京路, 长沙湾: not 石门县, 双河市, 北京市, 长沙市)."""
    get = index.by_bigram.get
    kept: list[_Hit] = []
    reach = -1  # positions come in order, one name each: a name ending inside one kept is out
    find = text.find
    pos = -1
    for bigram in index.starts(text):
        entries = get(bigram)
        if entries:
            # Every position of a candidate bigram is listed, in order: the next one is here.
            pos = find(bigram, pos + 1)
            for entry in entries:
                if text.startswith(entry.name, pos):
                    end = pos + len(entry.name)
                    if end > reach and not (entry.short and SETTLEMENT_AFTER.match(text, end)):
                        kept.append(_Hit(pos, end, entry))
                        reach = end
                    break
    return kept


class _Found(NamedTuple):
    start: int
    short: bool  # found only by a short form


def _resolve(hits: list[_Hit], index: _Index, prefixes: list[str]) -> dict[str, _Found]:
    """Code -> where first named, for every hit that names one place with confidence."""
    found: dict[str, _Found] = {}
    anchors = {h.entry.codes[0] for h in hits if len(h.entry.codes) == 1 and not h.entry.weak}
    for hit in hits:
        codes = hit.entry.codes
        if len(codes) == 1 and not hit.entry.weak:
            _note(found, codes[0], hit)
            continue
        # Ambiguous or weak: confirmed by its city/province named in the text, else by the
        # sender's area, else by the office's prefix.
        backed = _best_backed(codes, index, anchors)
        for prefix in prefixes:
            if len(backed) == 1:
                break
            narrowed = [c for c in backed or codes if c.startswith(prefix)]
            backed = narrowed or backed
        if len(backed) == 1:
            _note(found, backed[0], hit)
    return found


def _note(found: dict[str, _Found], code: str, hit: _Hit) -> None:
    seen = found.get(code)
    if seen is None:
        found[code] = _Found(hit.start, hit.entry.short)
    elif seen.short and not hit.entry.short:
        found[code] = _Found(seen.start, False)


def _best_backed(codes: tuple[str, ...], index: _Index, anchors: set[str]) -> list[str]:
    """The candidates under the most specific place named in the text (city over province)."""
    depth = {c: max((index.rank[a] for a in anchors.intersection(index.ancestors[c])),
                    default=-1)
             for c in codes}
    deepest = max(depth.values())
    return [c for c in codes if depth[c] == deepest] if deepest >= 0 else []


@lru_cache(maxsize=256)  # an office's and its agencies' areas: a few strings, asked per clue
def _prefix(prefer_prefix: str | None) -> str:
    if not prefer_prefix:
        return ""
    prefix = prefer_prefix.strip()
    if not re.fullmatch(r"[0-9]{1,6}", prefix):
        raise ValueError(f"prefer_prefix 应为 1–6 位数字，实际为 {prefer_prefix!r}")
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]  # 420300 -> 4203: a code stands for everything under it
    return prefix


@lru_cache(maxsize=256)
def _sender(sender_region: str) -> str:
    """The sending agency's area as a prefix; "" when it is not a division code."""
    return _prefix(sender_region) if re.fullmatch(r"[0-9]{1,6}", sender_region.strip()) else ""


def region_of_text(
    text: str, prefer_prefix: str | None = None, table: DivisionTable | None = None,
    sender_region: str | None = None,
) -> str | None:
    """The code of the most specific division named in `text`, or None.

    `sender_region` is the sending agency's division (e.g. "420325" for a 房县 agency): a
    place inside it beats any place outside it. Then a county beats its city; ties go to the
    place most backed by other names in the text, then to `prefer_prefix` (the office's area,
    e.g. "4203"), then to the first mentioned. When either area is known, a bare short form
    of a place outside both (石门 for 石门县 in Hunan) is not taken: too many villages, streets
    and companies share such names.
    """
    if not isinstance(text, str) or len(text) < 2:
        return None
    prefix = _prefix(prefer_prefix)
    sender = _sender(sender_region) if sender_region else ""
    index = _index_of(load_divisions() if table is None else table)
    areas = [p for p in (sender, prefix) if p]
    found = _resolve(_scan(text, index), index, areas)
    if areas:
        found = {code: f for code, f in found.items()
                 if not f.short or any(code.startswith(a) for a in areas)}
    if not found:
        return None

    def score(code: str) -> tuple[bool, int, int, bool, int]:
        backing = len(found.keys() & index.ancestors[code])
        return (bool(sender) and code.startswith(sender), index.rank[code], backing,
                bool(prefix) and code.startswith(prefix), -found[code].start)

    return max(found, key=score)
