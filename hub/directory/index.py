"""An in-memory snapshot of the directory, built for resolving names quickly.

Built from plain records (no database here): by credit code, by cleaned full name, by core
name per place (every name and alias, read every way it can be), the strings fuzzy matching
compares, and the names with a place in them that a text scan looks for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from hub.normalize.codes import DivisionTable, load_divisions

from .names import MARKERS, Places, clean

MIN_TEXT_KEY = 4
# Bodies a clue's text mentions without being about them, as a rule (the sender, a court).
TEXT_SECOND_CHOICE_KINDS = frozenset({"法院", "检察院", "纪检监察机关"})


@dataclass(frozen=True)
class BodyRecord:
    """What resolution needs to know of a body."""

    id: int
    name: str
    region_code: str
    level: str = "county"
    kind: str = "政府部门"
    aliases: tuple[str, ...] = ()
    credit_code: str | None = None
    parent_id: int | None = None


@dataclass(frozen=True)
class Entry:
    """A body under one of its names, read as (place, core)."""

    body_id: int
    place: str
    core: str


@dataclass(frozen=True)
class FuzzyChoice:
    body_id: int
    place: str
    text: str  # the place's name followed by the core: 郧西县交通局


@dataclass
class DirectoryIndex:
    places: Places
    version: object = None
    bodies: dict[int, BodyRecord] = field(default_factory=dict)
    by_credit: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    by_core: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    choices: list[FuzzyChoice] = field(default_factory=list)
    choices_by_place: dict[str, list[FuzzyChoice]] = field(
        default_factory=lambda: defaultdict(list))
    text_keys: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    names: list[tuple[str, int]] = field(default_factory=list)  # every cleaned name, for search

    def __len__(self) -> int:
        return len(self.bodies)

    def body(self, body_id: int) -> BodyRecord:
        return self.bodies[body_id]


def build_index(
    records: list[BodyRecord], *, home: str = "420300", version: object = None,
    table: DivisionTable | None = None,
) -> DirectoryIndex:
    """The snapshot for `records` (active bodies); `home` is the office's city code."""
    places = Places(load_divisions() if table is None else table, home)
    index = DirectoryIndex(places=places, version=version)
    text_keys: dict[str, set[int]] = defaultdict(set)
    for record in records:
        index.bodies[record.id] = record
        if record.credit_code:
            index.by_credit[record.credit_code] = record.id
        index.by_name[clean(record.name)] = record.id
        for name in dict.fromkeys(clean(n) for n in (record.name, *record.aliases)):
            _add_name(index, record, name, text_keys)
            index.names.append((name, record.id))
    by_prefix: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for key, ids in text_keys.items():
        if len(ids) == 1:  # a name two bodies share says nothing in free text
            by_prefix[key[:2]].append((key, next(iter(ids))))
    index.text_keys = {k: tuple(sorted(v, key=lambda kv: -len(kv[0])))
                       for k, v in by_prefix.items()}
    index.by_core = dict(index.by_core)
    index.choices_by_place = dict(index.choices_by_place)
    return index


def _add_name(index: DirectoryIndex, record: BodyRecord, name: str,
              text_keys: dict[str, set[int]]) -> None:
    if len(name) < 2:
        return
    places = index.places
    seen: set[tuple[str, str]] = set()
    primary: tuple[str, str] | None = None
    for reading in places.read(name):
        if reading.place is not None:
            if not places.related(reading.place, record.region_code):
                continue  # 宝丰镇… read as 宝丰县 (Henan): not this body's place
            place = reading.place
        else:
            place = record.region_code  # 市交通局, 城关派出所: the body's own place
        key = (place, reading.core)
        if len(reading.core) < 2 or key in seen:
            continue
        seen.add(key)
        index.by_core[reading.core].append(Entry(record.id, place, reading.core))
        if reading.place is not None:
            primary = primary or key
            for form in places.forms_of(reading.place):
                if len(form) + len(reading.core) >= MIN_TEXT_KEY:
                    text_keys[form + reading.core].add(record.id)
    if name == clean(record.name) and len(name) >= MIN_TEXT_KEY:
        text_keys[name].add(record.id)
    place, core = primary or (record.region_code, _relative_core(name, places.name(
        record.region_code)))
    choice = FuzzyChoice(record.id, place, places.name(place) + core)
    index.choices.append(choice)
    index.choices_by_place[place].append(choice)


def _relative_core(name: str, place_name: str) -> str:
    """`市交通局` of 十堰市 compares as 十堰市交通局, `城关派出所` of 郧西县 as 郧西县城关派出所."""
    return name[1:] if name[0] in MARKERS and place_name.endswith(name[0]) else name
