"""Keyset paging walks the whole filtered queue exactly once, in order, for every filter."""

from __future__ import annotations

import pytest

from bench.review_queue import fill
from hub.review import repository
from hub.review.repository import QueueFilter, lists


@pytest.fixture
def queue(hub):
    made = fill(hub.engine, 400, seed=3)
    return hub, made


def _walk(session, f: QueueFilter, size: int) -> list[int]:
    seen, cursor = [], None
    while True:
        page = repository.queue(session, f, cursor, size)
        seen += [c.id for c in page.clues]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize("few", [1000, 10])  # 10: the common-rule probe path too
def test_pages_join_up_to_the_whole_queue(queue, few, monkeypatch):
    monkeypatch.setattr(lists, "FEW", few)
    hub, made = queue
    filters = [QueueFilter(), QueueFilter(sort="urgent"), QueueFilter(cluster="multi"),
               QueueFilter(cluster=str(made["cluster"])), QueueFilter(rule="rule-0"),
               QueueFilter(rule="rule-4"), QueueFilter(rule="none"),
               QueueFilter(cluster="multi", rule="rule-1", sort="urgent")]
    with hub.uow(write=False) as uow:
        for f in filters:
            everything = [c.id for c in repository.queue(uow.session, f, None, 10_000).clues]
            assert everything, f
            assert _walk(uow.session, f, 7) == everything, f
            assert repository.count(uow.session, f) == len(everything)
            assert repository.count(uow.session, f, cap=5) == min(len(everything), 6)
        urgent = repository.queue(uow.session, QueueFilter(sort="urgent"), None, 10_000).clues
    keys = [(c.priority, c.received_at, c.id) for c in urgent]
    assert keys == sorted(keys, reverse=True)
