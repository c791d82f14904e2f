"""Two workers linking overlapping clues at once make the clusters one worker makes.

Linking reads and scores outside any lock; under the lock it re-checks only the clues of the
batches linked meanwhile. Here both workers read before either links (they meet once both have
planned), so the second must find the first one's clues by that re-check alone.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select, text

from hub.correlate import labelled, repository
from hub.correlate.models import ClueCluster
from hub.correlate.stage import CorrelateStage
from hub.pipeline.worker import Worker


def _partition(hub, clue_ids: list[int]) -> set[frozenset[int]]:
    """The clusters of these clues as sets of their positions in `clue_ids`."""
    where = {clue_id: n for n, clue_id in enumerate(clue_ids)}
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(select(ClueCluster.clue_id, ClueCluster.cluster_id)
                                   .where(ClueCluster.clue_id.in_(clue_ids))).all()
    groups: dict[int, set[int]] = {}
    for clue_id, cluster_id in rows:
        groups.setdefault(cluster_id, set()).add(where[clue_id])
    return {frozenset(g) for g in groups.values()}


def test_two_workers_at_once_cluster_like_one(hub, add_clue, correlate, monkeypatch):
    labelled_ids = [c["id"] for c in labelled.load_clues()][:60]
    # One worker, one batch: the reference clusters.
    alone = [add_clue(i) for i in labelled_ids]
    assert correlate(alone) == len(alone)
    reference = _partition(hub, alone)
    assert len(reference) >= 10

    # The same clues again, three years later (no window reaches the first copies), split
    # between two workers so that every problem has clues in both batches.
    def later(labelled_id: str) -> datetime:
        return datetime.fromisoformat(labelled.clue(labelled_id)["reported_at"]) + timedelta(days=1100)

    copies = [add_clue(i, reported_at=later(i)) for i in labelled_ids]
    barrier = threading.Barrier(2)
    planned = CorrelateStage.plan
    rechecked: list[int] = []
    after = repository.batches_after

    def plan_then_meet(stage, session, results):  # noqa: ANN001, ANN202
        """Both workers read and score before either stores (and links): however slow the
        machine, the second to link finds the first one's clues by the re-check alone."""
        made = planned(stage, session, results)
        barrier.wait(timeout=60)
        return made

    def spy(connection, seq):  # noqa: ANN001, ANN202
        found = after(connection, seq)
        rechecked.extend(entry[0] for _, entries in found for entry in entries)
        return found

    monkeypatch.setattr(CorrelateStage, "plan", plan_then_meet)
    monkeypatch.setattr(repository, "batches_after", spy)
    errors: list[BaseException] = []

    def work(clue_ids: list[int], name: str) -> None:
        try:
            correlate(clue_ids, worker=Worker(hub, name=name))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(copies[n::2], f"w{n}")) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    assert rechecked, "the second worker read before the first linked: it must re-check"
    assert _partition(hub, copies) == reference


def test_a_plan_older_than_the_batches_kept_is_made_again(
        hub, add_clue, correlate, monkeypatch):
    first = add_clue("S27-1")
    assert correlate([first]) == 1
    assert correlate([add_clue("S01-1")]) == 1
    with hub.uow() as uow:  # the first batch's number was pruned
        uow.session.execute(text("DELETE FROM correlate_batches WHERE seq = 1"))
        uow.commit()
    last, calls = repository.last_batch, []

    def stale(connection) -> int:  # noqa: ANN001 - the plan's read saw no batch at all
        calls.append(connection)
        return 0 if len(calls) == 1 else last(connection)

    monkeypatch.setattr(repository, "last_batch", stale)
    again = add_clue("S27-2")
    assert correlate([again]) == 1
    with hub.uow(write=False) as uow:
        rows = dict(uow.session.execute(select(ClueCluster.clue_id, ClueCluster.cluster_id)
                                        .where(ClueCluster.clue_id.in_([first, again]))).all())
    assert rows.get(first) is not None and rows.get(first) == rows.get(again)
    assert len(calls) == 2  # planned again (before the batch's own rows are written)


def test_a_plan_found_stale_under_the_lock_leaves_out_the_batchs_own_rows(
        hub, add_clue, correlate, monkeypatch):
    """More than KEEP_BATCHES batches linked between the first re-check and the lock: the
    plan is made again under the lock, after the batch's own index rows are written. It must
    not take the batch's later clues for stored candidates (an earlier clue would pull a later
    one into its cluster before that one is linked: a duplicate membership)."""
    first = add_clue("S01-1")
    assert correlate([first]) == 1
    assert correlate([add_clue("S01-2")]) == 1
    with hub.uow() as uow:  # the first batch's number was pruned
        uow.session.execute(text("DELETE FROM correlate_batches WHERE seq = 1"))
        uow.commit()
    last, after = repository.last_batch, repository.batches_after
    reads, rechecks = [], []

    def stale(connection) -> int:  # noqa: ANN001 - the plan's read saw no batch at all
        reads.append(connection)
        return 0 if len(reads) == 1 else last(connection)

    def late(connection, seq):  # noqa: ANN001, ANN202 - the first re-check saw none either
        rechecks.append(seq)
        return [] if len(rechecks) == 1 else after(connection, seq)

    monkeypatch.setattr(repository, "last_batch", stale)
    monkeypatch.setattr(repository, "batches_after", late)
    batch = [add_clue("S27-1"), add_clue("S27-2"), add_clue("S27-3")]
    assert correlate(batch) == 3
    assert len(reads) == 2 and len(rechecks) >= 2  # planned again under the lock
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(select(ClueCluster.clue_id, ClueCluster.cluster_id)
                                   .where(ClueCluster.clue_id.in_(batch))).all()
    assert len(rows) == 3 and len({cluster for _, cluster in rows}) == 1
