"""Workers claim tasks in the database, isolate failures, retry, and give up visibly."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from hub.db.models import Task
from hub.db.types import utcnow
from hub.pipeline import tasks
from hub.pipeline.sweeper import sweep
from hub.pipeline.worker import Worker


class RecordingStage:
    """A stage whose pure step refuses odd numbers: the worker must keep the others going."""

    name = "probe"
    next_stage = None

    def __init__(self) -> None:
        self.stored: list[int] = []
        self.given_up: list[int] = []

    def load(self, session, ref_ids):
        return {ref: ref for ref in ref_ids}

    def compute(self, item):
        if item % 2:
            raise ValueError(f"odd {item}")
        return item * 10

    def store(self, session, results, now: datetime) -> None:
        self.stored.extend(results.values())

    def give_up(self, session, ref_id, error, now) -> None:
        self.given_up.append(ref_id)


def _make(hub, refs):
    with hub.uow() as uow:
        ids = tasks.create(uow.session, "probe", refs, utcnow())
        uow.commit()
    return ids


def _states(hub):
    with hub.uow(write=False) as uow:
        return dict(uow.session.execute(select(Task.ref_id, Task.state)).all())


def test_one_bad_item_never_sinks_the_batch_and_fails_visibly_after_retries(hub):
    stage = RecordingStage()
    worker = Worker(hub, name="t")
    ids = _make(hub, [1, 2, 3, 4])

    assert worker.process(stage, ids) == 2
    assert sorted(stage.stored) == [20, 40]
    assert _states(hub) == {1: "pending", 2: "done", 3: "pending", 4: "done"}

    for _ in range(hub.settings.task_max_attempts):
        with hub.uow() as uow:  # skip the back-off wait
            uow.session.execute(update(Task).values(available_at=utcnow()))
            uow.commit()
        worker.process(stage, ids)
    assert _states(hub) == {1: "failed", 2: "done", 3: "failed", 4: "done"}
    assert sorted(stage.given_up) == [1, 3]
    with hub.uow(write=False) as uow:
        failed = tasks.list_failed(uow.session)
    assert [t.last_error for t in failed] == ["ValueError: odd 1", "ValueError: odd 3"]


def test_a_task_is_processed_once_even_when_woken_twice(hub):
    stage = RecordingStage()
    ids = _make(hub, [2, 4])
    assert Worker(hub, name="a").process(stage, ids) == 2
    assert Worker(hub, name="b").process(stage, ids) == 0
    assert sorted(stage.stored) == [20, 40]


def test_sweeper_releases_tasks_of_a_dead_worker_and_publishes_lost_wakeups(hub):
    ids = _make(hub, [2, 4, 6])
    with hub.uow() as uow:  # a worker claimed two and died; the third's wake-up was lost
        tasks.claim(uow.session, ids[:2], "dead", utcnow())
        uow.session.execute(update(Task).values(claimed_at=datetime(2020, 1, 1).astimezone(),
                                                published_at=datetime(2020, 1, 1).astimezone()))
        uow.commit()

    result = sweep(hub)

    assert result == {"released": 2, "republished": 3}
    assert set(_states(hub).values()) == {"pending"}
    assert sweep(hub) == {"released": 0, "republished": 0}  # just published: not again yet


def test_a_worker_builds_the_tables_of_the_pure_steps_before_its_first_batch(hub):
    """The classifier's rules, the division names' text index and the bigram weights are
    built when the worker starts, not by the first batch's first clue."""
    from hub.correlate import fields, text
    from hub.normalize import classify
    from hub.normalize.codes import load_divisions

    classify._rules.cache_clear()
    fields._places.cache_clear()
    text._idf.cache_clear()
    text._weighted.cache_clear()  # its texts weighed already would not ask for the weights
    load_divisions().text_index = None

    Worker(hub, name="t")._warm()

    assert classify._rules.cache_info().currsize == 1
    assert fields._places.cache_info().currsize == 1
    assert text._idf.cache_info().currsize == 1
    assert load_divisions().text_index is not None
