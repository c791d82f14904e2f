"""The index's candidate lookup: the same candidates, in the same order, on every backend
(on PostgreSQL one statement ranks them and reads their profiles)."""

from __future__ import annotations

from datetime import datetime

from hub.correlate import index, labelled, repository
from hub.correlate.stage import CorrelateInput, prepare

SCENARIOS = ("S01", "S02", "S03", "S04", "S05", "S06", "S12", "S14", "S15", "S16", "S21")


def _entry(clue_id: int, name: str) -> index.Entry:
    c = labelled.clue(name)
    return prepare(CorrelateInput(clue_id, c["channel"], c["title"], c["content"],
                                  c["region_code"], datetime.fromisoformat(c["reported_at"]),
                                  c["subjects"], c["references"]))


def _ranked_key_by_key(session, entry: index.Entry) -> list[int]:
    """The ranking spelled out with one query per kind of key (the SQLite way)."""
    connection = session.connection()
    low, high = entry.day - 180, entry.day + 180
    rank: dict[int, float] = {}
    bands = sorted(set(entry.band_keys))
    for clue_id, shared in repository.band_matches(connection, bands, low, high,
                                                      index.PER_BAND,
                                                      index.BAND_CANDIDATES + 1):
        rank[clue_id] = index.BAND_WEIGHT * shared
    keys = sorted((k, v[:120], index.FIELD_CANDIDATES.get(k, 20) + 1)
                  for k, v in entry.field_keys)
    if keys:
        for kind, clue_id in repository.field_matches(connection, keys, low, high):
            rank[clue_id] = rank.get(clue_id, 0.0) + index.KEY_WEIGHTS.get(kind, 1.0)
    rank.pop(entry.clue_id, None)
    return sorted(rank, key=lambda c: (-rank[c], -c))[:index.SCORED]


def test_candidates_and_their_profiles_are_the_same_on_every_backend(hub, add_clue, correlate):
    names = [c["id"] for c in labelled.load_clues() if c["scenario"] in SCENARIOS]
    ids = {add_clue(name): name for name in names}
    correlate(list(ids))
    with hub.uow(write=False) as uow:
        looked_up = 0
        for clue_id, name in ids.items():
            entry = _entry(clue_id, name)
            found = index.candidates(uow.session, entry, 180)
            assert found == _ranked_key_by_key(uow.session, entry), name
            profiles = index.profiles(uow.session, found)
            assert set(profiles) == set(found) and clue_id not in profiles
            again = index.profiles(uow.session, found)  # read from the database this time
            assert {k: (p.text, p.subjects, p.reported_at) for k, p in again.items()} == {
                k: (p.text, p.subjects, p.reported_at) for k, p in profiles.items()}
            looked_up += len(found)
    assert looked_up > len(ids)  # the clues of one scenario find each other
