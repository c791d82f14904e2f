"""The worker: consume wake-ups, claim tasks, run stages in batches, commit, wake the next.

Delivery from the queue may be lost (embedded transports) or repeated (RabbitMQ after a
reconnect); neither matters, because a task is claimed in the database before it runs and
marked done in the same transaction that stores its result.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field

from kombu import Message

from hub import log
from hub.api import collector
from hub.container import Hub
from hub.db.types import utcnow
from hub.pipeline import tasks
from hub.pipeline.offload import ComputeProcess, load_and_compute, warm_stages
from hub.pipeline.protocol import Stage
from hub.pipeline.stages import pipeline
from hub.queue.bus import connect, declare_dead_letters, stage_queue

IDLE_SECONDS = 0.2  # an idle worker looks at `stop` this often
# While a batch is computed in the second process, the worker looks this often whether it is
# back (to store it at once), between wake-ups.
COMPUTED_POLL_SECONDS = 0.005
GAVE_UP = "多次在处理中途停止（工作进程退出），不再重试"
RECONNECT_MAX_SECONDS = 5.0  # the longest wait between two reconnection rounds
# A batch makes a few hundred thousand objects (rows, profiles, candidates, terms) and keeps
# them until it is stored. With the interpreter's default (a young collection every 700
# allocations) they are moved on to the oldest generation, and every full collection then
# walks all the process's objects: 1.2 s of GC in 3,000 clues, ≈ 390 µs CPU per clue
# (bench/profile_pipeline.py --postgres, gc.callbacks). A young collection every 20,000
# allocations instead (hub.api.collector.collect_less): cycles are still collected, a little later.


class Worker:
    def __init__(self, hub: Hub, name: str | None = None,
                 offload: ComputeProcess | None = None) -> None:
        self.hub = hub
        self.stages = pipeline(hub.settings)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10000}"
        self.batch_size = hub.settings.worker_batch_size
        self.collect_seconds = hub.settings.worker_collect_ms / 1000
        self.collect_max_seconds = max(self.collect_seconds,
                                       hub.settings.worker_collect_max_ms / 1000)
        self._buffer: list[Message] = []
        self._tasks = 0  # tasks the buffered wake-ups name
        self.offload = offload
        self._computing: _Unit | None = None  # the batch the second process computes
        collector.collect_less()

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set, reconnecting to the broker when it goes away."""
        self._warm()
        delay = 0.5
        while not stop.is_set():
            try:
                self._consume(stop)
                delay = 0.5
            except Exception as exc:  # broker gone: back off, reconnect, carry on
                log.warning("hub.worker.connection_lost", worker=self.name, error=repr(exc))
                self._settle_quietly()  # its wake-ups come again and find its tasks done
                self._buffer.clear()  # unacked: the broker (or the sweeper) hands them again
                self._tasks = 0
                stop.wait(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    def _warm(self) -> None:
        """Read and build what every batch needs and a process keeps (ClueStage.warm: the
        directory's index, the active rule set, the pure steps' tables) before the first
        wake-up, so that the first batch does not wait for it."""
        warm_stages(self.hub, self.stages, self.name)

    def _consume(self, stop: threading.Event) -> None:
        with connect(self.hub.bus.url) as conn:
            # kombu's default waits 2, 4, 6 s between tries, on top of the back-off above: a
            # broker restart of 10 s kept the workers away for 17 s more (bench/soak.py).
            conn.ensure_connection(max_retries=3, interval_start=0.5, interval_step=0.5,
                                   interval_max=1.0)
            declare_dead_letters(conn, self.hub.bus.prefix)
            queues = [stage_queue(self.hub.bus.prefix, name) for name in self.stages]
            with conn.Consumer(queues, callbacks=[self._receive], accept=["json"],
                               on_decode_error=self._poison,
                               prefetch_count=self.batch_size * 2):
                log.event("hub.worker.consuming", worker=self.name, queues=list(self.stages))
                while not stop.is_set():
                    self._collect(conn)
                    if self._buffer:
                        self._flush()
                    elif self._computing is not None:
                        self._settle()
                self._settle()

    def _receive(self, body: object, message: Message) -> None:
        if not _is_wakeup(body):
            self._poison(message, ValueError("not a wake-up: {stage, task_ids}"))
            return
        self._buffer.append(message)
        self._tasks += len(body["task_ids"])  # type: ignore[index]

    def _poison(self, message: Message, exc: Exception) -> None:
        """A message no worker can handle: to the dead-letter queue (RabbitMQ), never again
        to a worker. Its tasks, if any, are still rows the sweeper wakes again."""
        log.warning("hub.worker.poison_message", worker=self.name, error=repr(exc)[:200])
        message.reject(requeue=False)

    def _collect(self, conn) -> None:  # noqa: ANN001
        """Wait for wake-ups: from the first, gather more until none came for
        `collect_seconds` (a lone push is handled that soon), at most `collect_max_seconds`
        after the first (a steady trickle of single pushes, each API process's wake-ups a
        fraction of a second apart, is gathered that long), or until `batch_size` tasks are
        named.

        A unit's claim, reads, plan and store statements are paid once for all its clues:
        gathering a trickle of about 90 pushes a second for up to 1 s instead of 0.3 s took
        24-37 % off the worker's CPU per single-pushed clue, 12-26 % off all processes'
        (docs/performance.md)."""
        first = last = None
        while self._tasks < self.batch_size and len(self._buffer) < self.batch_size:
            if self._computing is not None and self._computing.ready():
                self._settle()  # stored as soon as it is back, gathering or not
            now = time.monotonic()
            if self._buffer:
                if first is None:
                    first = last = now
                deadline = min(last + self.collect_seconds, first + self.collect_max_seconds)
            else:
                deadline = now + IDLE_SECONDS
            timeout = deadline - now
            if timeout <= 0:
                return
            if self._computing is not None:
                timeout = min(timeout, COMPUTED_POLL_SECONDS)
            held = len(self._buffer)
            try:
                conn.drain_events(timeout=timeout)
            except TimeoutError:
                if self._computing is None or time.monotonic() >= deadline:
                    return
                continue
            if len(self._buffer) > held and first is not None:
                last = time.monotonic()

    def _flush(self) -> None:
        """The buffered wake-ups' tasks, a batch at a time. With a second process, a batch is
        handed to it and the one it computed before is stored meanwhile; the wake-ups are
        acknowledged once every batch they name is stored."""
        by_stage: dict[str, list[int]] = defaultdict(list)
        for message in self._buffer:
            body = message.decode()
            by_stage[body.get("stage", "")].extend(int(i) for i in body.get("task_ids", []))
        messages, self._buffer, self._tasks = self._buffer, [], 0
        for stage_name, task_ids in by_stage.items():
            stage = self.stages.get(stage_name)
            if stage is None:
                log.warning("hub.worker.unknown_stage", stage=stage_name)
                continue
            self._batches(stage, task_ids)
        if self._computing is not None:
            self._computing.messages.extend(messages)
        else:
            for message in messages:
                message.ack()

    def _batches(self, stage: Stage, task_ids: list[int]) -> None:
        """Each batch of these tasks; with a second process, the last one is left computing
        (`_computing`), to be stored by `_settle`."""
        offloaded = self._offloads(stage)
        for start in range(0, len(task_ids), self.batch_size):
            batch = task_ids[start : start + self.batch_size]
            if not offloaded:
                self._settle()
                self.process(stage, batch)
                continue
            unit = self._begin(stage, batch)
            self._settle()  # the batch before, while this one is computed
            if unit is not None and unit.future is not None:
                self._computing = unit
            elif unit is not None:  # the second process is starting: computed here
                self._end(unit)

    def _offloads(self, stage: Stage) -> bool:
        """Whether this stage's batches are computed in the second process."""
        return self.offload is not None and getattr(stage, "offloadable", False)

    def process_all(self, stage: Stage, task_ids: list[int]) -> None:
        """Every batch of these tasks, as consuming handles them, all stored on return."""
        self._batches(stage, task_ids)
        self._settle()

    def _settle(self) -> None:
        """Store the batch the second process computed (waiting for it), then acknowledge
        the wake-ups that waited for it."""
        unit, self._computing = self._computing, None
        if unit is not None:
            self._end(unit)
            for message in unit.messages:
                message.ack()

    def _settle_quietly(self) -> None:
        """The connection is gone: store what was computed, acknowledge nothing."""
        if self._computing is not None:
            self._computing.messages.clear()
            try:
                self._settle()
            except Exception as exc:  # its tasks are claimed: the sweeper hands them again
                log.warning("hub.worker.batch_lost", worker=self.name, error=repr(exc)[:200])

    def process(self, stage: Stage, task_ids: list[int]) -> int:
        """Claim, compute and store one batch of a stage. Returns how many were done."""
        unit = self._begin(stage, task_ids)
        return self._end(unit) if unit is not None else 0

    def _begin(self, stage: Stage, task_ids: list[int]) -> _Unit | None:
        """Claim a batch; hand its load and compute to the second process when there is one."""
        with self.hub.uow(durable=False) as uow:
            claimed = tasks.claim(uow.session, task_ids, self.name, utcnow())
            uow.commit()
        if not claimed:
            return None
        errors = {t.task_id: GAVE_UP for t in claimed
                  if t.attempts > self.hub.settings.task_max_attempts}
        refs = list(dict.fromkeys(t.ref_id for t in claimed if t.task_id not in errors))
        future = None
        if refs and self._offloads(stage):
            future = self.offload.submit(stage, refs)  # None while it is starting
        return _Unit(stage, claimed, errors, refs, future)

    def _end(self, unit: _Unit) -> int:
        """Compute (or take what the second process computed), plan, store."""
        stage, claimed = unit.stage, unit.claimed
        computed = None
        if unit.future is not None:
            try:
                computed = unit.future.result()
            except Exception as exc:  # the child died or failed: computed here instead
                self.offload.failed(exc)
        if computed is None and unit.refs:
            computed = load_and_compute(self.hub, stage, unit.refs)
        by_ref_results, by_ref_errors = computed or ({}, {})
        results, errors = {}, dict(unit.errors)
        for task in claimed:
            if task.task_id in errors:
                continue
            if task.ref_id in by_ref_errors:
                errors[task.task_id] = by_ref_errors[task.ref_id]
            elif task.ref_id in by_ref_results:
                results[task.task_id] = by_ref_results[task.ref_id]
        done = [t for t in claimed if t.task_id not in errors]
        by_ref = {t.ref_id: results[t.task_id] for t in done if t.task_id in results}
        planner = getattr(stage, "plan", None)
        if planner is not None and by_ref:  # reads for the whole batch, before the write
            with self.hub.uow(write=False) as uow:
                by_ref = planner(uow.session, by_ref)
        self._store(stage, claimed, results, errors, by_ref)
        return len(results)

    def _store(self, stage: Stage, claimed: list[tasks.Claimed], results: dict, errors: dict,
               by_ref: dict) -> None:
        now = utcnow()
        settings = self.hub.settings
        with self.hub.uow(durable=False) as uow:
            done = [t for t in claimed if t.task_id not in errors]
            # The stage's rows last: the linking lock it takes is held until the commit.
            tasks.finish(uow.session, [t.task_id for t in done], now)
            for task in claimed:
                if task.task_id in errors:
                    state = tasks.fail(uow.session, task, errors[task.task_id],
                                       settings.task_max_attempts, now)
                    if state == tasks.FAILED:
                        stage.give_up(uow.session, task.ref_id, errors[task.task_id], now)
                    log.warning("hub.worker.item_failed", stage=stage.name, task=task.task_id,
                                state=state, error=errors[task.task_id])
            if by_ref:
                stage.store(uow.session, by_ref, now)
            if stage.next_stage and results:
                refs = [t.ref_id for t in done if t.task_id in results]
                uow.wake(stage.next_stage, tasks.create(uow.session, stage.next_stage, refs, now))
            uow.commit()
        log.event("hub.worker.batch_done", stage=stage.name, done=len(done), failed=len(errors))


def _is_wakeup(body: object) -> bool:
    return (isinstance(body, dict) and isinstance(body.get("stage"), str)
            and isinstance(body.get("task_ids"), list)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in body["task_ids"]))


@dataclass
class _Unit:
    """A claimed batch between its claim and its store."""

    stage: Stage
    claimed: list[tasks.Claimed]
    errors: dict[int, str]  # task id -> why it is not computed (given up)
    refs: list[int]  # the ref ids to compute
    future: Future | None  # the second process's (results, errors) by ref id
    messages: list[Message] = field(default_factory=list)  # acknowledged once stored

    def ready(self) -> bool:
        return self.future is None or self.future.done()
