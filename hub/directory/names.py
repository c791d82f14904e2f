"""The text work behind resolving subject units: cleaning names and reading place prefixes.

A body's name is read as a place and a core: `十堰市郧西县交通局` is (420322, `交通局`),
`市交通局` is the relative marker `市` and `交通局`, and `城关派出所` is a core alone, placed
later by the clue's region. Every reading that could be meant is kept (`十堰市场监管局` is
十堰 + `市场监管局`, not 十堰市 + `场监管局`), and the index tries them in turn.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from hub.normalize.codes import DivisionTable
from hub.normalize.codes.region_text import short_form
from hub.normalize.codes.region_words import COMMON_WORD_SHORT_FORMS

# Punctuation dropped from names (after NFKC, so full-width forms are already half-width).
_DROPPED = frozenset("()[]{}<>【】〔〕《》〈〉「」『』\"'“”‘’`·•.,，。、:：;；!！?？-—–_/\\|~*#")
# Words after a body's name that speak of its people, not of another body.
ROLE_TAILS = ("及其工作人员", "及工作人员", "工作人员", "执法人员", "执法队员", "相关负责人",
              "负责人", "有关人员", "相关人员", "主要领导", "领导", "干部", "民警", "辅警",
              "协管员", "窗口", "等单位", "等部门", "等")
# Prefixes of organisations that come before the place: 国家税务总局郧西县税务局.
ORG_PREFIXES = ("国家税务总局", "中国共产党", "中共")
MARKERS = ("市", "县", "区")
# Names of places that were renamed, as people still write them: 郧县 became 郧阳区 in 2014.
FORMER_NAMES = {"郧县": "420304"}
_MAX_FORM = 20


def clean(text: object) -> str:
    """NFKC, no whitespace, invisible characters or punctuation; ASCII lower-cased."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text)
    kept = [ch for ch in text if not ch.isspace() and ch not in _DROPPED
            and unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co", "Cn")]
    return "".join(kept).lower()


def strip_roles(name: str) -> str:
    """`郧西县交警大队民警` -> `郧西县交警大队`; unchanged when no role word ends it."""
    changed = True
    while changed:
        changed = False
        for tail in ROLE_TAILS:
            if name.endswith(tail) and len(name) - len(tail) >= 2:
                name, changed = name[: -len(tail)], True
    return name


@dataclass(frozen=True)
class Reading:
    """One way to read a name: an explicit place, or a relative marker, or neither."""

    place: str | None
    marker: str | None
    core: str


class Places:
    """Division names and short forms, as they start the names of bodies."""

    def __init__(self, table: DivisionTable, home: str) -> None:
        self.table = table
        self.home = home
        forms: dict[str, set[str]] = {}
        shorts: dict[str, set[str]] = {}
        for division in table:
            forms.setdefault(division.name, set()).add(division.code)
            form = short_form(division.name)
            if form and form not in COMMON_WORD_SHORT_FORMS:
                shorts.setdefault(form, set()).add(division.code)
        for form, codes in shorts.items():
            if len(codes) == 1 and form not in forms:  # as region_text: unambiguous only
                forms[form] = codes
        for name, code in FORMER_NAMES.items():
            forms.setdefault(name, set()).add(code)
        self._forms = {k: tuple(sorted(v)) for k, v in forms.items()}
        self._lengths = sorted({len(k) for k in self._forms if len(k) <= _MAX_FORM},
                               reverse=True)
        self._ancestors = {d.code: frozenset(a.code for a in table.ancestors(d.code))
                           for d in table}

    def name(self, code: str) -> str:
        return self.table.name(code) or ""

    def ancestors(self, code: str) -> frozenset[str]:
        return self._ancestors.get(code, frozenset())

    def related(self, a: str, b: str) -> bool:
        """The same place, or one inside the other."""
        return a == b or a in self.ancestors(b) or b in self.ancestors(a)

    def level(self, code: str) -> str | None:
        division = self.table.get(code)
        return division.level if division else None

    def city_of(self, code: str) -> str | None:
        if self.level(code) == "city":
            return code
        return next((a for a in self.ancestors(code) if self.level(a) == "city"), None)

    def forms_of(self, code: str) -> list[str]:
        """How text names a place: 郧西县, 郧西 (and 郧县 for 郧阳区)."""
        name = self.name(code)
        short = short_form(name) if name else None
        found = [name] if name else []
        if short and self._forms.get(short) == (code,):
            found.append(short)
        found += [old for old, new in FORMER_NAMES.items() if new == code]
        return found

    def _prefixes(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(text[:n], self._forms[text[:n]]) for n in self._lengths
                if n < len(text) and text[:n] in self._forms]

    def _pick(self, codes: tuple[str, ...], inside: str | None) -> str | None:
        if inside is not None:
            return next((c for c in codes if inside in self.ancestors(c)), None)
        home_city, home_province = self.home[:4], self.home[:2]
        for prefix in (home_city, home_province):
            near = [c for c in codes if c.startswith(prefix)]
            if near:
                return near[0]
        return codes[0]

    def read(self, text: str) -> list[Reading]:
        """Every reading of a cleaned name, the most specific place first, bare name last."""
        found: list[Reading] = []
        starts = [text] + [text[len(p):] for p in ORG_PREFIXES
                           if text.startswith(p) and len(text) > len(p) + 1]
        for start in starts:
            self._walk(start, None, found)
        found.sort(key=lambda r: -len(self.ancestors(r.place or "")))
        for start in starts:
            if start.startswith(MARKERS) and len(start) > 2:
                found.append(Reading(None, start[0], start[1:]))
        found.append(Reading(None, None, text))
        return found

    def _walk(self, text: str, inside: str | None, found: list[Reading]) -> None:
        for form, codes in self._prefixes(text):
            code = self._pick(codes, inside)
            if code is not None:
                rest = text[len(form):]
                found.append(Reading(code, None, rest))
                self._walk(rest, code, found)

    def marker_place(self, marker: str, context: str | None) -> str | None:
        """The place `市…`, `县…` or `区…` means for a clue in `context`."""
        if context is None:
            return self.home if marker == "市" and self.level(self.home) == "city" else None
        name = self.name(context)
        if self.level(context) == "county" and name.endswith(marker):
            return context  # 县 in a county, 区 in a district, 市 in 丹江口市
        if marker == "市":
            return self.city_of(context)
        return None
