"""Resolving a subject unit, as a partner wrote it, to a body of the directory. Pure and fast.

In order: the credit code; the full name; a name or alias read as place + core, the place
being the one written, the one a marker (市/县/区) means for the clue's region, or the
clue's region itself; then fuzzy matching (rapidfuzz) within that place, then citywide,
beside the longest known name the text contains. A fuzzy match must clear `threshold` and
beat the next body by `MARGIN`: a wrong body is worse than none, which the reviewer picks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from .index import DirectoryIndex, Entry
from .names import Reading, clean, strip_roles

DEFAULT_THRESHOLD = 85.0
MARGIN = 5.0
MAX_CANDIDATES = 5
_CANDIDATE_FLOOR = 50.0
_AT, _NEAR = 100.0, 95.0  # found at the place meant; found one level off (city for county)
# Kinds of organisation a directory of government bodies does not hold: a name ending so is
# never matched approximately (郧西县人民医院 is not 郧西县人民法院, however alike they look).
FOREIGN_TAILS = ("医院", "卫生院", "学校", "中学", "小学", "幼儿园", "大学", "学院", "公司",
                 "集团", "银行", "信用社", "合作社", "协会", "商会", "居委会", "村委会", "物业",
                 "酒店", "宾馆", "超市", "工厂", "血站", "报社", "电视台")


@dataclass(frozen=True)
class Candidate:
    body_id: int
    name: str
    score: float

    def as_json(self) -> dict[str, Any]:
        return {"body_id": self.body_id, "name": self.name, "score": self.score}


@dataclass(frozen=True)
class Resolution:
    method: str  # credit_code | name | alias | fuzzy | text | unresolved
    score: float
    body_id: int | None = None
    name: str | None = None
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None  # why unresolved: ambiguous | low_score | no_name | empty_directory

    @property
    def resolved(self) -> bool:
        return self.body_id is not None

    def as_json(self) -> dict[str, Any]:
        made: dict[str, Any] = {"method": self.method, "score": self.score}
        if self.reason:
            made["reason"] = self.reason
        if self.candidates:
            made["candidates"] = [c.as_json() for c in self.candidates]
        return made


def resolve(
    index: DirectoryIndex, name: object, *, credit_code: object = None,
    region_code: object = None, clue_region: object = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Resolution:
    """The body a subject {name, credit_code?, region_code?} of a clue in `clue_region` is."""
    if not index.bodies:
        return Resolution("unresolved", 0.0, reason="empty_directory")
    code = clean(credit_code).upper()
    if code in index.by_credit:
        return _found(index, "credit_code", 100.0, index.by_credit[code])
    query = clean(name)
    if len(query) < 2:
        return Resolution("unresolved", 0.0, reason="no_name")
    if query in index.by_name:
        return _found(index, "name", 100.0, index.by_name[query])
    context = _context(index, region_code) or _context(index, clue_region)
    hits = _exact(index, query, context)
    stripped = strip_roles(query)
    if not hits and stripped != query:
        hits = _exact(index, stripped, context)
    if hits:
        found = _decide_exact(index, hits)
        if found.resolved:
            return found
        # 十堰市卫生健康局: every county has one, yet the city's own is what is meant.
        nearby = _approximate(index, stripped, context, threshold, citywide=False)
        return nearby if nearby.resolved else found
    return _approximate(index, stripped, context, threshold)


def _context(index: DirectoryIndex, code: object) -> str | None:
    return code if isinstance(code, str) and index.places.level(code) else None


def _found(index: DirectoryIndex, method: str, score: float, body_id: int) -> Resolution:
    return Resolution(method, round(score, 1), body_id, index.bodies[body_id].name)


def _candidates(index: DirectoryIndex, scores: dict[int, float]) -> tuple[Candidate, ...]:
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]
    return tuple(Candidate(b, index.bodies[b].name, round(s, 1)) for b, s in ranked)


def _decide_exact(index: DirectoryIndex, hits: dict[int, float]) -> Resolution:
    best = max(hits.values())
    top = [b for b, s in hits.items() if s == best]
    if len(top) == 1:
        name = index.bodies[top[0]].name
        return Resolution("alias", best, top[0], name)
    return Resolution("unresolved", best, candidates=_candidates(index, hits), reason="ambiguous")


def _exact(index: DirectoryIndex, query: str, context: str | None) -> dict[int, float]:
    """Bodies with this name read some way, from the first kind of reading that finds any:
    a written place, then a marker, then the bare name."""
    readings = index.places.read(query)
    tiers = ([r for r in readings if r.place], [r for r in readings if r.marker],
             [r for r in readings if not r.place and not r.marker])
    for tier in tiers:
        hits: dict[int, float] = {}
        for reading in tier:
            for body_id, score in _hits(index, reading, context):
                hits[body_id] = max(hits.get(body_id, 0.0), score)
        if hits:
            return hits
    return {}


def _hits(index: DirectoryIndex, reading: Reading, context: str | None) -> list[tuple[int, float]]:
    entries = index.by_core.get(reading.core)
    if not entries:
        return []
    places = index.places
    if reading.place:
        return _at_or_below(index, entries, reading.place)
    if reading.marker:
        place = places.marker_place(reading.marker, context)
        if place:
            return [(e.body_id, _AT) for e in entries if e.place == place]
        # 县交通局 with no county to go by: every county's, for the reviewer to choose.
        return [(e.body_id, _NEAR) for e in entries
                if places.name(e.place).endswith(reading.marker)]
    if context is None:
        return [(e.body_id, _NEAR) for e in entries]
    found = _at_or_below(index, entries, context)
    if found:
        return found
    above = [e for e in entries if e.place in places.ancestors(context)]
    return [(e.body_id, _NEAR) for e in above]


def _at_or_below(index: DirectoryIndex, entries: list[Entry],
                 place: str) -> list[tuple[int, float]]:
    at = [(e.body_id, _AT) for e in entries if e.place == place]
    if at:
        return at
    return [(e.body_id, _NEAR) for e in entries if place in index.places.ancestors(e.place)]


def _approximate(index: DirectoryIndex, query: str, context: str | None,
                 threshold: float, citywide: bool = True) -> Resolution:
    if query.endswith(FOREIGN_TAILS):
        return Resolution("unresolved", 0.0, reason="low_score")
    places = index.places
    readings = places.read(query)
    texts = {query}
    place = None
    # The clue's region qualifies a bare name only when the name places itself in no way
    # (`县政府` in a city-wide clue names no county, least of all the city).
    unplaced = any(r.marker and places.marker_place(r.marker, context) is None
                   for r in readings)
    bare_place = None if unplaced or any(r.place for r in readings) else context
    for reading in readings:
        if reading.place:
            where = reading.place
        elif reading.marker:
            where = places.marker_place(reading.marker, context)
        else:
            where = bare_place
        if where:
            texts.add(places.name(where) + reading.core)
            place = place or where
    scores: dict[int, float] = {}
    if place is not None and place in index.choices_by_place:
        _score(index, texts, place, scores)
        decided = _decide_fuzzy(index, scores, threshold)
        if decided.resolved or not citywide:
            return decided
    if not citywide:
        return Resolution("unresolved", 0.0, reason="low_score")
    _score(index, texts, None, scores)
    contained = _contained(index, query)
    if contained:
        body_id, score = contained
        scores[body_id] = max(scores.get(body_id, 0.0), score)
    return _decide_fuzzy(index, scores, threshold)


def _score(index: DirectoryIndex, texts: set[str], place: str | None,
           scores: dict[int, float]) -> None:
    choices = index.choices_by_place[place] if place else index.choices
    strings = [c.text for c in choices]
    for text in texts:
        for _, score, i in process.extract(text, strings, scorer=fuzz.ratio, limit=10,
                                           score_cutoff=_CANDIDATE_FLOOR):
            body_id = choices[i].body_id
            scores[body_id] = max(scores.get(body_id, 0.0), score)


def _decide_fuzzy(index: DirectoryIndex, scores: dict[int, float], threshold: float) -> Resolution:
    ranked = sorted(scores.values(), reverse=True)
    if not ranked:
        return Resolution("unresolved", 0.0, reason="low_score")
    best = ranked[0]
    if best >= threshold and (len(ranked) == 1 or best - ranked[1] >= MARGIN):
        body_id = max(scores, key=scores.__getitem__)
        return _found(index, "fuzzy", best, body_id)
    reason = "low_score" if best < threshold else "ambiguous"
    return Resolution("unresolved", round(best, 1), candidates=_candidates(index, scores),
                      reason=reason)


def _contained(index: DirectoryIndex, query: str) -> tuple[int, float] | None:
    """The longest known name inside the query: `张湾区市场监管局花果所` holds 张湾区市场监管局.
    Scored by how much of the query it covers (a sub-unit resolves to its listed parent)."""
    best: tuple[str, int] | None = None
    for pos in range(len(query) - 1):
        for key, body_id in index.text_keys.get(query[pos : pos + 2], ()):
            if query.startswith(key, pos):
                if best is None or len(key) > len(best[0]):
                    best = (key, body_id)
                break
    if best is None or len(best[0]) * 2 < len(query):
        return None  # 房县城关镇东街社区居委会 is not a part of 房县城关镇 (its government)
    rest = query[query.index(best[0]) + len(best[0]):]
    if any(r.place for r in index.places.read(rest)):
        return None  # 支队郧西大队: the rest names a unit in another place, not a part
    return best[1], 80.0 + 15.0 * len(best[0]) / len(query)
