"""A worker gathers a trickle of wake-ups into one batch (a window from the first wake-up),
and does not hold a wake-up that names a whole batch."""

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


def _worker(hub, collect_seconds: float, batch_size: int):
    worker = Worker(hub, name="collect")
    worker.stages = {FIRST_STAGE: Probe()}
    worker.collect_seconds, worker.batch_size = collect_seconds, batch_size
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


def test_a_trickle_of_wakeups_within_the_window_is_one_batch(hub):
    worker, batches = _worker(hub, collect_seconds=1.5, batch_size=100)
    ids = _tasks(hub, [1, 2, 3, 4, 5, 6])
    stop, thread = _running(worker)
    try:
        time.sleep(0.5)  # consuming
        for pair in (ids[:2], ids[2:4], ids[4:]):  # three single pushes' wake-ups, 0.1 s apart
            hub.bus.wake(FIRST_STAGE, pair)
            time.sleep(0.1)
        _wait(lambda: sum(len(b) for _, b in batches) == 6)
    finally:
        stop.set()
        thread.join(10)
    assert [sorted(b) for _, b in batches] == [sorted(ids)]


def test_a_wakeup_naming_a_whole_batch_is_not_held(hub):
    worker, batches = _worker(hub, collect_seconds=30.0, batch_size=4)
    ids = _tasks(hub, [1, 2, 3, 4])
    stop, thread = _running(worker)
    try:
        time.sleep(0.5)
        woken = time.monotonic()
        hub.bus.wake(FIRST_STAGE, ids)
        _wait(lambda: batches)
    finally:
        stop.set()
        thread.join(10)
    assert [sorted(b) for _, b in batches] == [sorted(ids)]
    assert batches[0][0] - woken < 10  # not the 30 s window
