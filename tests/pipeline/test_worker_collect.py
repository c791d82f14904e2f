"""A worker gathers a trickle of wake-ups into one batch (until the trickle pauses, at most a
longest wait from the first wake-up), handles a lone wake-up after the pause, and does not
hold a wake-up that names a whole batch."""

from __future__ import annotations

import threading
import time

from hub.db.types import utcnow
from hub.pipeline import tasks
from hub.pipeline.stages import FIRST_STAGE
from hub.pipeline.worker import Worker


class Probe:
    name = FIRST_STAGE
    next_stage = None

    def load(self, session, ref_ids):
        return {ref: ref for ref in ref_ids}

    def compute(self, item):
        return item

    def store(self, session, results, now) -> None:
        pass

    def give_up(self, session, ref_id, error, now) -> None:
        pass


def _worker(hub, collect_seconds: float, batch_size: int, collect_max_seconds: float = 60.0):
    worker = Worker(hub, name="collect")
    worker.stages = {FIRST_STAGE: Probe()}
    worker.collect_seconds, worker.batch_size = collect_seconds, batch_size
    worker.collect_max_seconds = collect_max_seconds
    batches: list[tuple[float, list[int]]] = []
    process = worker.process

    def recorded(stage, task_ids):
        batches.append((time.monotonic(), list(task_ids)))
        return process(stage, task_ids)

    worker.process = recorded
    return worker, batches


def _tasks(hub, refs: list[int]) -> list[int]:
    with hub.uow() as uow:
        ids = tasks.create(uow.session, FIRST_STAGE, refs, utcnow())
        uow.commit()
    return ids


def _running(worker):
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def _wait(predicate, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.02)


def _handled(hub, worker, wakeups: list[list[int]], gap: float, batches) -> float:
    """Run the worker, send the wake-ups `gap` seconds apart, wait until their tasks are
    handled (or 20 s); the time of the first wake-up."""
    stop, thread = _running(worker)
    try:
        time.sleep(0.5)  # consuming
        woken = time.monotonic()
        for task_ids in wakeups:
            hub.bus.wake(FIRST_STAGE, task_ids)
            time.sleep(gap)
        total = sum(map(len, wakeups))
        _wait(lambda: sum(len(b) for _, b in batches) == total)
    finally:
        stop.set()
        thread.join(10)
    return woken


def test_a_trickle_of_wakeups_within_the_window_is_one_batch(hub):
    worker, batches = _worker(hub, collect_seconds=1.5, batch_size=100)
    ids = _tasks(hub, [1, 2, 3, 4, 5, 6])
    # three single pushes' wake-ups, 0.1 s apart
    _handled(hub, worker, [ids[:2], ids[2:4], ids[4:]], 0.1, batches)
    assert [sorted(b) for _, b in batches] == [sorted(ids)]


def test_a_wakeup_naming_a_whole_batch_is_not_held(hub):
    worker, batches = _worker(hub, collect_seconds=30.0, batch_size=4)
    ids = _tasks(hub, [1, 2, 3, 4])
    woken = _handled(hub, worker, [ids], 0.0, batches)
    assert [sorted(b) for _, b in batches] == [sorted(ids)]
    assert batches[0][0] - woken < 10  # not the 30 s window


def test_a_lone_wakeup_is_handled_after_the_pause_not_the_longest_wait(hub):
    worker, batches = _worker(hub, collect_seconds=0.3, batch_size=100, collect_max_seconds=60)
    ids = _tasks(hub, [1])
    woken = _handled(hub, worker, [ids], 0.0, batches)
    assert [b for _, b in batches] == [ids]
    assert batches[0][0] - woken < 30  # not the 60 s longest wait


def test_a_trickle_longer_than_the_longest_wait_is_handled_in_parts(hub):
    worker, batches = _worker(hub, collect_seconds=1.0, batch_size=100, collect_max_seconds=1.2)
    ids = _tasks(hub, list(range(1, 61)))
    # 3 s of wake-ups 0.05 s apart: never a pause of 1 s
    _handled(hub, worker, [[task_id] for task_id in ids], 0.05, batches)
    assert len(batches) >= 2
    assert sorted(i for _, b in batches for i in b) == sorted(ids)


def test_a_steady_trickle_is_gathered_while_it_lasts(hub):
    worker, batches = _worker(hub, collect_seconds=1.0, batch_size=100, collect_max_seconds=60)
    ids = _tasks(hub, list(range(1, 41)))
    # 2 s of wake-ups 0.05 s apart: longer than the 1 s pause
    _handled(hub, worker, [[task_id] for task_id in ids], 0.05, batches)
    assert [sorted(b) for _, b in batches] == [sorted(ids)]
