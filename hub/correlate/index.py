"""The correlation index in the database: write a clue's keys, find a new clue's candidates.

Candidates for a clue are the clues within the window that share an LSH band key with it
(the ones sharing most bands first), plus the most recent clues that share a field key with
it: a case or document number, a credit code, a subject unit, a named place or organization,
and, as the last resort for a burst of reports about a fresh problem, the region. Each kind
is capped, and only the SCORED candidates sharing the most (by KEY_WEIGHTS) are loaded and
scored, so that a busy bureau or region costs the same as a quiet one.

Window filters use `day` (days since 1970-01-01 UTC of `reported_at`, when the source
received the clue), so that a clue imported late still meets the clues of its time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub.correlate import repository
from hub.correlate.profile import Profile, facts_of, stored_profile

BAND_CANDIDATES = 50
PER_BAND = 30  # latest clues read per band key (identical clues share every band)
FIELD_CANDIDATES = {"case_number": 50, "document_number": 50, "credit_code": 30,
                    "subject": 30, "place": 30, "organization": 30, "region": 20}


def field_list_length(kind: str) -> int:
    """Holders read per field key of this kind: its candidates and one more (the clue itself
    may be among them)."""
    return FIELD_CANDIDATES.get(kind, 20) + 1


# How much each shared key says about a candidate, to keep the best SCORED of them.
KEY_WEIGHTS = {"case_number": 10.0, "document_number": 10.0, "credit_code": 2.0,
               "subject": 1.0, "place": 2.0, "organization": 2.0, "region": 0.5}
BAND_WEIGHT = 1.0
# Candidates scored per new clue. 25 gave the same clusters as 40 on the labelled sets, alone
# and among 30 or 300 synthetic clues a day (bench/correlate_scale.py; among look-alikes made
# of their own phrases, 0.616 recall at 300 a day against 0.606), for ~40 % less scoring.
SCORED = 25
LOCK_ID = 0x636F7272  # 'corr': the advisory lock that serializes linking on PostgreSQL
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """A clue ready for the index: its profile and the keys it is found by."""

    clue_id: int
    profile: Profile
    band_keys: tuple[int, ...]
    field_keys: frozenset[tuple[str, str]]

    @property
    def day(self) -> int:
        return day_of(self.profile.reported_at)


def day_of(moment: datetime) -> int:
    return (moment - _EPOCH).days


def lock_linking(session: Session) -> None:
    """Serialize linking across processes (PostgreSQL); SQLite has one writer already.

    Held until the transaction ends. Two workers that each index a clue about the same
    problem would otherwise not see each other's uncommitted keys and make two clusters.
    """
    repository.lock_linking(session.connection(), LOCK_ID)


def indexed(session: Session, clue_ids: Iterable[int]) -> set[int]:
    return repository.indexed(session.connection(), list(clue_ids))


def add(session: Session, entries: list[Entry], now: datetime) -> None:
    """Insert the entries' profiles and keys (one statement per table)."""
    add_profiles(session, entries, now)
    add_keys(session, entries)


def add_profiles(session: Session, entries: list[Entry], now: datetime) -> None:
    """Insert the entries' profiles. Candidates are found by their keys only (`add_keys`), so
    a batch can write all its profiles first and each clue's keys just before it is linked."""
    repository.add_profiles(session.connection(), [
        {"clue_id": e.clue_id, "reported_at": e.profile.reported_at,
         "channel": e.profile.channel, "region_code": e.profile.region,
         "text": e.profile.text, "facts": facts_of(e.profile), "indexed_at": now}
        for e in entries])


def add_keys(session: Session, entries: list[Entry]) -> None:
    """Insert the entries' band and field keys (plain rows, one statement per table)."""
    bands = [(key, e.day, e.clue_id) for e in entries for key in set(e.band_keys)]
    fields = [(kind, value, e.day, e.clue_id) for e in entries
              for kind, value in {(k, v[:120]) for k, v in e.field_keys}]
    repository.add_keys(session.connection(), bands, fields)


def clear(session: Session) -> None:
    """Empty the index (rebuild)."""
    repository.clear_index(session.connection())


def candidates(session: Session, entry: Entry, window_days: int,
               limit: int = SCORED) -> list[int]:
    """The clue ids most worth scoring against `entry` (itself excluded), best first: ranked
    by the keys they share with it (a case number counts most, a region least).

    On PostgreSQL one statement ranks them and reads their profiles too; `profiles` then
    hands those back without asking the database again."""
    low, high = entry.day - window_days, entry.day + window_days
    connection = session.connection()
    bands = sorted(set(entry.band_keys))
    if repository.single_statement(connection):
        keys = sorted((kind, value[:120], field_list_length(kind),
                       KEY_WEIGHTS.get(kind, 1.0)) for kind, value in entry.field_keys)
        rows = list(repository.candidate_rows(
            connection, itself=entry.clue_id, bands=bands, band_weight=BAND_WEIGHT,
            per_band=PER_BAND, band_limit=BAND_CANDIDATES + 1, keys=keys, low=low, high=high,
            limit=limit))
        session.info[READ] = {row[0]: row for row in rows}
        return [row[0] for row in rows]
    rank: dict[int, float] = {}
    if bands:
        for clue_id, shared in repository.band_matches(connection, bands, low, high, PER_BAND,
                                                    BAND_CANDIDATES + 1):
            rank[clue_id] = BAND_WEIGHT * shared
    keys = sorted((kind, value[:120], field_list_length(kind))
                  for kind, value in entry.field_keys)
    if keys:
        for kind, clue_id in repository.field_matches(connection, keys, low, high):
            rank[clue_id] = rank.get(clue_id, 0.0) + KEY_WEIGHTS.get(kind, 1.0)
    rank.pop(entry.clue_id, None)
    return sorted(rank, key=lambda clue_id: (-rank[clue_id], -clue_id))[:limit]


def profiles(session: Session, clue_ids: Iterable[int]) -> dict[int, Profile]:
    ids = list(clue_ids)
    if not ids:
        return {}
    read = session.info.pop(READ, {})
    if all(clue_id in read for clue_id in ids):  # read with the candidates (PostgreSQL)
        rows = [read[clue_id] for clue_id in ids]
    else:
        rows = repository.profile_rows(session.connection(), ids)
    return {row[0]: profile_of_row(row) for row in rows}


def profile_of_row(row: Any) -> Profile:
    """A stored profile from its row (clue id, reported at, channel, region, text, facts)."""
    return stored_profile(reported_at=_utc(row[1]), channel=row[2], region_code=row[3],
                          text=row[4], facts=_json(row[5]))


READ = "correlate.candidate_rows"  # session.info: profile rows read with the candidates


def _utc(value: datetime | str) -> datetime:
    """A stored time as aware UTC (SQLite hands back text without an offset)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json(value: dict[str, Any] | str | None) -> dict[str, Any]:
    if isinstance(value, str):
        return orjson.loads(value)
    return value or {}
