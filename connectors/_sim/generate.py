"""Deterministic rows for a simulator: clean records, dirt, planted malformed rows, repeats.

Row number `p` depends only on the profile, the seed and `p`, so the rows of a bigger `total`
begin with the rows of a smaller one, and rows added later (`_grow`) are the next ones.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from .dirt import dirty, set_value

# Every 29th row (from the 12th) is malformed; every 41st (from the 8th) comes back
# 57 rows later, i.e. on a later page, as systems do when a record changes between pages.
MALFORMED_EVERY, MALFORMED_AT = 29, 11
REPEAT_EVERY, REPEAT_AT, REPEAT_GAP = 41, 7, 57

Outcome = Literal["clue", "not_clue", "refused"]


@dataclass(frozen=True)
class Breakage:
    """A way a row can be malformed: `spoil(value, rng)` gives the field's new value."""

    field: str
    spoil: Callable[[Any, random.Random], Any]
    applies: Callable[[dict[str, Any]], bool] = lambda record: True  # to this kind of record


@dataclass(frozen=True)
class Profile:
    """What a simulator needs to know about its partner's records."""

    name: str
    display_name_zh: str
    make_record: Callable[[random.Random, int], tuple[dict[str, Any], bool]]  # (record, clue?)
    date_fields: tuple[str, ...]
    optional_fields: tuple[str, ...]  # may go missing without changing what the record means
    breakages: tuple[Breakage, ...]
    # The field naming a record (e.g. 工单编号): set when the partner accepts replies on its
    # records (办理结果回复, `POST /records/{ref}/replies`).
    reply_to: str | None = None


@dataclass(frozen=True)
class Truth:
    """What the generator planted in a row; for tests, never served."""

    position: int
    outcome: Outcome
    field: str | None = None  # for "refused": the native field made malformed
    repeat_of: int | None = None  # the position of the row this one repeats
    dirt: tuple[str, ...] = ()


def row(profile: Profile, seed: int, position: int) -> tuple[dict[str, Any], Truth]:
    source = position - REPEAT_GAP
    if source >= 0 and source % REPEAT_EVERY == REPEAT_AT:
        record, truth = row(profile, seed, source)
        return record, replace(truth, position=position, repeat_of=source)
    rng = random.Random(f"{profile.name}:{seed}:{position}")
    record, is_clue = profile.make_record(rng, position + 1)
    dirt = dirty(record, rng, profile.date_fields, profile.optional_fields)
    if position % MALFORMED_EVERY == MALFORMED_AT:
        breakage = rng.choice([b for b in profile.breakages if b.applies(record)])
        set_value(record, breakage.field, breakage.spoil(record.get(breakage.field), rng))
        return record, Truth(position, "refused", breakage.field, dirt=(*dirt, "malformed"))
    return record, Truth(position, "clue" if is_clue else "not_clue", dirt=dirt)


def generate(
    profile: Profile, seed: int, total: int, *, start: int = 0, with_truth: bool = False
) -> list[Any]:
    """Rows `start` … `start + total - 1`: records, or (record, Truth) pairs."""
    rows = [row(profile, seed, position) for position in range(start, start + total)]
    if with_truth:
        return [(copy.deepcopy(record), truth) for record, truth in rows]
    return [copy.deepcopy(record) for record, _ in rows]
