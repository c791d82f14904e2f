"""A clue's profile: everything correlation compares, computed once from the clue's fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.correlate import fields, text, things
from hub.correlate.signature import band_keys, signature
from hub.normalize.codes import CodeError, check_reference

# Longer texts are compared on their beginning: a judgment's first pages name the dispute.
MAX_COMPARED_CHARS = 3000


@dataclass(frozen=True)
class Profile:
    reported_at: datetime
    channel: str
    region: str | None
    text: str  # the problem's words (text.comparable)
    shingles: frozenset[str]
    case_numbers: frozenset[str] = frozenset()
    document_numbers: frozenset[str] = frozenset()
    credit_codes: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()  # keys of the subject units the sender named
    mentioned: frozenset[str] = frozenset()  # keys of subject units named in the text
    places: frozenset[str] = frozenset()  # towns, villages, roads named in the text
    entities: frozenset[str] = frozenset()  # organizations and persons named in the text
    names: dict[str, str] = field(default_factory=dict, compare=False)  # key -> shown name
    # Derived once at construction (every candidate pair reads them; a cached_property takes
    # a lock on each read in this Python):
    keyed: frozenset[str] = field(init=False, repr=False, compare=False)
    """Keys of the subject units named by the sender or in the text."""
    things: frozenset[str] = field(init=False, repr=False, compare=False)
    """Places, organizations and persons named in the text."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "keyed", self.subjects | self.mentioned)
        object.__setattr__(self, "things", self.places | self.entities)

    @property
    def signature(self) -> tuple[int, ...]:
        return signature(self.shingles)

    def field_keys(self) -> set[tuple[str, str]]:
        """(kind, value) pairs under which the index finds this clue besides its text."""
        keys = {("case_number", v) for v in self.case_numbers}
        keys |= {("document_number", v) for v in self.document_numbers}
        keys |= {("credit_code", v) for v in self.credit_codes}
        keys |= {("subject", v) for v in self.subjects | self.mentioned}
        keys |= {("place", v) for v in self.places}
        keys |= {("organization", v) for v in self.entities if ":person:" not in v}
        if self.region:
            keys.add(("region", self.region))
        return keys


def build_profile(*, title: str, content: str, channel: str, region_code: str | None,
                  subjects: list[dict[str, Any]] | None, references: list[dict[str, Any]] | None,
                  reported_at: datetime) -> Profile:
    """Pure: the profile of one clue (any text, any JSON the sender put in the lists)."""
    body = text.clean(f"{title or ''}。{content or ''}")[: MAX_COMPARED_CHARS]
    cases, documents = _references(references or [])
    cases |= text.cited_case_numbers(body)
    documents |= text.cited_document_numbers(body)
    named, found, credit, names, spans = _subjects(subjects or [], region_code)
    mentioned, matched = fields.subject_mentions(body, region_code)
    mentioned |= found
    for key in mentioned:
        names.setdefault(key, key.split(":", 1)[1])
    places, organizations = things.places_and_organizations(body, region_code)
    entities = {**organizations, **things.persons(body, region_code)}
    names.update(places)
    names.update(entities)
    words = text.comparable(body, [*spans, *matched, *fields.place_names(region_code)])
    return _made(reported_at, channel, region_code, words, text.shingles(words),
                 frozenset(cases), frozenset(documents), frozenset(credit), frozenset(named),
                 frozenset(mentioned - named), frozenset(places), frozenset(entities), names)


_new = object.__new__
_set = object.__setattr__


def _made(reported_at: datetime, channel: str, region: str | None, words: str,
          shingles: frozenset[str], case_numbers: frozenset[str],
          document_numbers: frozenset[str], credit_codes: frozenset[str],
          subjects: frozenset[str], mentioned: frozenset[str], places: frozenset[str],
          entities: frozenset[str], names: dict[str, str]) -> Profile:
    """`Profile(...)` with these fields, the derived ones included, for a third of the cost:
    the frozen dataclass's __init__ sets each field through object.__setattr__ (the index
    makes one per candidate it reads)."""
    profile = _new(Profile)
    _set(profile, "__dict__", {
        "reported_at": reported_at, "channel": channel, "region": region, "text": words,
        "shingles": shingles, "case_numbers": case_numbers,
        "document_numbers": document_numbers, "credit_codes": credit_codes,
        "subjects": subjects, "mentioned": mentioned, "places": places, "entities": entities,
        "names": names, "keyed": subjects | mentioned, "things": places | entities})
    return profile


def _subjects(subjects: list[Any], region_code: str | None) -> tuple[
        set[str], set[str], set[str], dict[str, str], list[str]]:
    """Keys of the subjects as sent, of those the hub found in the text, credit codes, shown
    names, and the name strings to take out of the compared text."""
    named: set[str] = set()
    found: set[str] = set()
    credit: set[str] = set()
    names: dict[str, str] = {}
    spans: list[str] = []
    for subject in subjects:
        if not isinstance(subject, dict):
            continue
        name = text.clean(str(subject.get("name") or ""))
        if subject.get("credit_code"):
            code = text.clean(str(subject["credit_code"])).upper()
            credit.add(code)
            names[f"credit_code:{code}"] = name
        keys, matched = fields.subject_mentions(name, subject.get("region_code") or region_code)
        if subject.get("body_id"):  # resolved against the directory by the normalize stage
            keys.add(f"body:{subject['body_id']}")
            spans.append(name)
            name = text.clean(str(subject.get("resolved_name") or name))
        (found if subject.get("origin") == "text" else named).update(keys)
        spans += [name, *matched]
        for key in keys:
            names.setdefault(key, name)
    return named, found, credit, names, spans


def _references(references: list[Any]) -> tuple[set[str], set[str]]:
    cases, documents = set(), set()
    for reference in references:
        if not isinstance(reference, dict):
            continue
        kind, value = reference.get("kind"), reference.get("value")
        if kind not in ("case_number", "document_number") or not isinstance(value, str):
            continue
        try:
            (cases if kind == "case_number" else documents).add(check_reference(kind, value))
        except CodeError:
            continue
    return cases, documents


def index_keys(profile: Profile) -> tuple[tuple[int, ...], set[tuple[str, str]]]:
    """What the index stores for a clue: its band keys and its field keys."""
    return band_keys(profile.signature), profile.field_keys()


_SETS = ("case_numbers", "document_numbers", "credit_codes", "subjects", "mentioned", "places",
         "entities")


def facts_of(profile: Profile) -> dict[str, Any]:
    """The stored form of a profile's fields (text, time, region and channel are columns)."""
    facts: dict[str, Any] = {name: sorted(getattr(profile, name)) for name in _SETS
                             if getattr(profile, name)}
    if profile.names:
        facts["names"] = profile.names
    return facts


def stored_profile(*, reported_at: datetime, channel: str, region_code: str | None,
                   text: str, facts: dict[str, Any]) -> Profile:
    """A profile as read back from the index (shingles are not needed to decide)."""
    get = facts.get
    return _made(reported_at, channel, region_code, text, _EMPTY,
                 *[frozenset(get(name) or _EMPTY) for name in _SETS], get("names") or {})


_EMPTY: frozenset[str] = frozenset()
