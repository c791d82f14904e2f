"""Pure: a batch's candidate-list requests asked once per key, and each request's list cut
from its key's list.

A batch asks for the latest n holders of a key in each of its clues' windows (one window per
clue). Its clues' windows overlap, so the index is asked once per key and group of windows
starting within a few months of each other (`grouped`; a batch of work orders dated over
years has several), for the union of the group's windows, and each request's list is cut from
that list in memory. The cut is exact unless the
key's list is full (n holders) and some of them lie after the request's window: holders
before the list's earliest could then belong in the request's list, and such a request is
asked on its own (`cut` says None). Holders are numbers day << 32 | clue id, latest first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def spans(requests: Sequence[tuple[Any, ...]], group_of: Callable[[tuple[Any, ...]], Any],
          at: int) -> dict[Any, list[int]]:
    """Each group of requests (`group_of(request)`; a request's window [low, high] is at
    positions `at`, `at + 1`) with the union of its windows, [low, high]."""
    union: dict[Any, list[int]] = {}
    for request in requests:
        low, high = request[at], request[at + 1]
        group = group_of(request)
        span = union.get(group)
        if span is None:
            union[group] = [low, high]
        else:
            if low < span[0]:
                span[0] = low
            if high > span[1]:
                span[1] = high
    return union


def grouped(requests: Sequence[tuple[Any, ...]], span: int
            ) -> dict[tuple[Any, ...], tuple[Any, int]]:
    """Each request's read group, for requests (key, low day, high day, …): (key, the low
    day of the group's first window). A group's windows start at most `span` days after its
    first one's (a key's requests taken in the order of their windows), so that the union
    read for it holds few holders after the windows it answers."""
    result: dict[tuple[Any, ...], tuple[Any, int]] = {}
    current: tuple[Any, int] = (None, 0)
    for request in sorted(requests):
        key, low = request[0], request[1]
        if current[0] != key or low - current[1] > span:
            current = (key, low)
        result[request] = current
    return result


def cut(listed: list[int], low: int, high: int, limit: int) -> list[int] | None:
    """The latest `limit` holders in days [low, high] from `listed`, the latest `limit`
    holders of a wider window; None when they cannot be told from it (see the module)."""
    if not listed:
        return listed
    if listed[0] >> 32 > high:
        if len(listed) >= limit:
            return None
    elif listed[-1] >> 32 >= low:
        return listed  # the whole list is within the window (shared, never changed)
    return [h for h in listed if low <= h >> 32 <= high]


def split(requests: Sequence[tuple[Any, ...]], group_of: Callable[[tuple[Any, ...]], Any],
          at: int, lists: dict[Any, list[int]], limit: Callable[[tuple[Any, ...]], int]
          ) -> tuple[dict[tuple[Any, ...], list[int]], list[tuple[Any, ...]]]:
    """Each request's list cut from its group's list, and the requests to ask on their own.
    `limit(request)` is the n the request asked for."""
    done: dict[tuple[Any, ...], list[int]] = {}
    again: list[tuple[Any, ...]] = []
    for request in requests:
        listed = cut(lists[group_of(request)], request[at], request[at + 1], limit(request))
        if listed is None:
            again.append(request)
        else:
            done[request] = listed
    return done, again
