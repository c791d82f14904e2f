"""Rebuild the correlation index from the clues (after a change to how clues are compared,
or on a database that had clues before correlation existed).

Clusters and reviewers' decisions are kept. Clues that were never correlated (no
`correlated` event) are linked as they are indexed, in id order, so deploying correlation on
an existing database clusters what is already there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hub.container import Hub
from hub.correlate import index, repository
from hub.correlate.decide import WINDOW_DAYS
from hub.correlate.link import ACTION, index_and_link
from hub.correlate.stage import load_inputs, prepare
from hub.db.types import utcnow


@dataclass(frozen=True)
class Rebuilt:
    indexed: int
    linked: int
    clustered: int


def rebuild(hub: Hub, *, chunk: int = 1000, link_new: bool = True,
            window_days: int = WINDOW_DAYS,
            progress: Callable[[int, int], None] | None = None) -> Rebuilt:
    """Empty the index, then index every clue in chunks, one transaction per chunk."""
    with hub.uow() as uow:
        total = repository.count_clues(uow.session)
        index.clear(uow.session)
        uow.commit()
    done = linked = clustered = 0
    last_id = 0
    while True:
        with hub.uow(write=False) as uow:
            ids = repository.clue_ids_after(uow.session, last_id, chunk)
            inputs = load_inputs(uow.session, ids) if ids else {}
            seen = (repository.clues_with_event(uow.session, ids, ACTION) if link_new
                    else set(ids))
        if not ids:
            break
        entries = [prepare(inputs[i]) for i in ids if i in inputs]  # pure, outside the lock
        with hub.uow(durable=False) as uow:
            now = utcnow()
            index.add(uow.session, [e for e in entries if e.clue_id in seen], now)
            details = index_and_link(uow.session, [e for e in entries if e.clue_id not in seen],
                                     now, window_days)
            uow.commit()
        linked += len(details)
        clustered += sum(1 for d in details.values() if d.get("cluster_id"))
        done += len(entries)
        last_id = ids[-1]
        if progress:
            progress(done, total)
    return Rebuilt(done, linked, clustered)

