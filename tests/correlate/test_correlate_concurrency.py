"""Two workers correlating reports of one problem at the same moment make one cluster."""

from __future__ import annotations

import contextlib
import threading

from sqlalchemy import select

from hub.correlate import index
from hub.correlate.models import ClueCluster
from hub.pipeline.worker import Worker


def test_two_workers_at_once_do_not_make_two_clusters_of_one_problem(
        hub, add_clue, correlate, monkeypatch):
    # Both workers reach the linking step together: without the linking lock each would index
    # and link its clues before the other commits, neither seeing the other's. On SQLite the
    # write gate already serializes the two, so the first waits for the barrier in vain.
    barrier = threading.Barrier(2)
    locking = index.lock_linking

    def meet_then_lock(session) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        locking(session)

    monkeypatch.setattr(index, "lock_linking", meet_then_lock)
    pairs = [("S27-1", "S27-2"), ("S27-3", "S27-4")]
    problems = [[add_clue(a), add_clue(b)] for a, b in pairs]
    errors: list[BaseException] = []

    def work(clue_ids: list[int], name: str) -> None:
        try:
            correlate(clue_ids, worker=Worker(hub, name=name))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=([problems[0][i], problems[1][i]], f"w{i}"))
               for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    with hub.uow(write=False) as uow:
        clusters = set(uow.session.scalars(select(ClueCluster.cluster_id)))
        members = set(uow.session.scalars(select(ClueCluster.clue_id)))
    assert len(clusters) == 1
    assert members == {*problems[0], *problems[1]}
