"""Pure: a batch's candidates ranked in memory, clue by clue, as the per-clue query ranks
them (hub.correlate.link reads the lists; the clue itself and the batch's earlier clues count
as indexed).

A holder of a key is one number, day << 32 | clue id: sorting numbers sorts by (day, id).

A flood (many clues of one template) gives each of its clues the same holders under every
one of its band keys. The lists are therefore handled as shared, never changed objects: lists
of the same holders are made one object (`_interned`), the batch's own list of a key is
updated once per distinct list a clue's keys hold, the merge of a stored and an own list is
made once per distinct pair of lists a clue's keys hold, and a list that several of a clue's keys share is counted once,
times the number of those keys. Each step gives what it gives list by list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

ID = (1 << 32) - 1


def holder(day: int, clue_id: int) -> int:
    return (day << 32) | clue_id


def merged(stored: list[int], extra: list[int], limit: int) -> list[int]:
    """The latest `limit` holders of both lists (`extra` already within the window; the two
    never share a holder: the batch's clues are not in the index yet, or left out of its
    lists)."""
    if not extra:
        return stored
    if not stored or extra[-1] > stored[0]:  # the usual case: the batch's clues are newer
        return (extra + stored)[:limit]
    return sorted(extra + stored, reverse=True)[:limit]  # two runs, merged in one pass


def mine(own: list[int] | None, item: int, low: int, limit: int) -> list[int]:
    """The batch's own latest `limit` holders of a key, with `item` added. The batch runs in
    day order, so a window's upper end is never below an earlier clue's day and its lower
    end only rises: what falls out of this list now never comes back."""
    if own is None:
        return [item]
    floor = low << 32
    if own[-1] < floor:
        own = [x for x in own if x >= floor]
        if not own:
            return [item]
    if item > own[0]:
        return [item, *own[:limit - 1]]
    return sorted([*own, item], reverse=True)[:limit]


def _interned(lists: dict[Any, list[int]]) -> dict[Any, list[int]]:
    """The same lists, those holding the same holders made one object (lists are told apart
    by length and ends first: most differ there, and then none is copied)."""
    by_ends: dict[tuple[int, int, int], list[list[int]]] = {}
    by_id: dict[int, list[int]] = {}
    result = {}
    for request, listed in lists.items():
        one = by_id.get(id(listed))
        if one is None:
            ends = (len(listed), listed[0], listed[-1]) if listed else (0, 0, 0)
            alike = by_ends.get(ends)
            if alike is None:
                by_ends[ends] = [listed]
                one = listed
            else:
                for other in alike:
                    if other == listed:
                        one = other
                        break
                else:
                    alike.append(listed)
                    one = listed
            by_id[id(listed)] = one
        result[request] = one
    return result


def rank(entries: Sequence[Any], window: int, bands: dict[tuple[int, int, int], list[int]],
         fields: dict[tuple[str, str, int, int], list[int]], *, per_band: int,
         band_candidates: int, band_weight: float, field_candidates: dict[str, int],
         key_weights: dict[str, float], scored: int) -> dict[int, list[int]]:
    """Each entry's candidates (clue ids), best first: the `band_candidates` sharing most
    bands (each worth `band_weight`), plus the latest holders of each field key (`kind`
    worth key_weights[kind]), summed per clue; ties to the newest clue id."""
    mine_bands: dict[int, list[int]] = {}
    mine_fields: dict[tuple[str, str], list[int]] = {}
    stored_bands = _interned(bands)
    empty: list[int] = []
    found = {}
    for entry in entries:
        clue_id = entry.clue_id
        day = entry.day
        item, low, high = holder(day, clue_id), day - window, day + window
        groups: dict[tuple[int, int], list[Any]] = {}  # keys holding the same two lists
        for key in set(entry.band_keys):
            before = mine_bands.get(key)
            stored = stored_bands.get((key, low, high), empty)
            group = groups.get((id(before), id(stored)))
            if group is None:
                groups[(id(before), id(stored))] = [before, stored, key]
            else:
                group.append(key)
        updated: dict[int, tuple[list[int] | None, list[int]]] = {}  # id(before) -> (before, after)
        counted: dict[int, list[Any]] = {}  # id(list) -> [list, keys holding it]
        for before, stored, *keys in groups.values():
            done = updated.get(id(before))
            if done is None:
                done = updated[id(before)] = (before, mine(before, item, low, per_band))
            own = done[1]
            for key in keys:
                mine_bands[key] = own
            listed = merged(stored, own, per_band)
            seen = counted.get(id(listed))
            if seen is None:
                counted[id(listed)] = [listed, len(keys)]
            else:
                seen[1] += len(keys)
        ones: list[int] = []
        many: list[tuple[list[int], int]] = []
        for listed, times in counted.values():
            if times == 1:
                ones += listed
            else:
                many.append((listed, times))
        shared = Counter(ones)  # a holder is one clue on one day: counts by clue
        # Not shared[h] += times: a holder not counted yet would call Counter.__missing__ (a
        # Python method). A flood's clue holds one list under all its keys: ranking 97 -> 91
        # µs per clue on three synthetic runs' plans.
        count = shared.get
        for listed, times in many:
            for h in listed:
                shared[h] = count(h, 0) + times
        best = sorted([(n << 32) | (h & ID) for h, n in shared.items()], reverse=True)
        ranked = {v & ID: band_weight * (v >> 32) for v in best[:band_candidates]}
        limits = {}
        for kind, value in {(k, v[:120]) for k, v in entry.field_keys}:
            n = limits[kind] = field_candidates.get(kind, 20) + 1
            mine_fields[(kind, value)] = mine(mine_fields.get((kind, value)), item, low, n)
        for kind, value in entry.field_keys:
            value = value[:120]
            weight = key_weights.get(kind, 1.0)
            for h in merged(fields.get((kind, value, low, high), empty),
                            mine_fields[(kind, value)], limits[kind]):
                c = h & ID
                ranked[c] = ranked.get(c, 0.0) + weight
        ranked.pop(clue_id, None)
        best = sorted(ranked, reverse=True)  # newest first, then (a stable sort) by rank
        best.sort(key=ranked.__getitem__, reverse=True)
        found[clue_id] = best[:scored]
    return found
