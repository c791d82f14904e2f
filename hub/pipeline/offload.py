"""A second process for the pipeline's reads and pure steps, so that one hub process
(`hub run`: API, worker and scheduler together, the embedded default) uses two cores.

In one process every step of every clue takes turns under the interpreter's lock: one core
at most, whatever the machine has. Here the worker hands a claimed batch to a child process
(`load` of the batch's clues from the database, then `compute` of each: normalize, the
correlation profile, the rules: the pure half of a clue's CPU), and while the child computes
the next batch the worker plans and stores the one before (hub.pipeline.worker). The child
only reads; every write and every commit stays in the hub's own process, in the same order
and transactions as without it.

A child that dies or fails costs nothing but time: the worker computes that batch itself
and a new child is started for the next one.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from hub import log
from hub.pipeline.protocol import Stage, StageFailed
from hub.settings import Settings

PARENT_CHECK_SECONDS = 0.5  # how soon a child sees that the hub's process is gone
# What the child keeps between batches: its own connections, its stages' caches (the
# directory's index, the compiled rule set).
_child: dict[str, Any] = {}


def compute_all(stage: Stage, items: dict[int, Any]) -> tuple[dict[int, Any], dict[int, str]]:
    """Each loaded item's pure step: (results by ref id, errors by ref id). One item failing
    never sinks the others; its error is the text the task keeps."""
    results: dict[int, Any] = {}
    errors: dict[int, str] = {}
    for ref_id, item in items.items():
        try:
            results[ref_id] = stage.compute(item)
        except StageFailed as exc:
            errors[ref_id] = str(exc)
        except Exception as exc:
            errors[ref_id] = f"{type(exc).__name__}: {exc}"
    return results, errors


def load_and_compute(hub: Any, stage: Stage,  # noqa: ANN401
                     ref_ids: list[int]) -> tuple[dict[int, Any], dict[int, str]]:
    """A batch's clues read (one read-only unit of work) and computed: what the child does,
    and what the worker does itself without one."""
    with hub.uow(write=False) as uow:
        items = stage.load(uow.session, ref_ids)
    return compute_all(stage, items)


def warm_stages(hub: Any, stages: dict[str, Stage], worker: str) -> None:  # noqa: ANN401
    """Each stage's `warm` once (ClueStage.warm: the directory's index, the active rule set,
    the pure steps' tables), so that the first batch does not wait for it; a failure is
    logged, and the first batch reads what is missing."""
    for stage in {id(s): s for s in stages.values()}.values():
        warm = getattr(stage, "warm", None)
        if warm is None:
            continue
        try:
            with hub.uow(write=False) as uow:
                warm(uow.session)
        except Exception as exc:  # the database not there yet
            log.warning("hub.worker.warm_failed", worker=worker, error=repr(exc)[:200])


def _start(settings: Settings, parent: int) -> None:
    """In the child, once: its hub (read-only use), its stages, warm."""
    from hub.api import collector
    from hub.container import Hub
    from hub.pipeline.stages import pipeline

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the hub, which stops this
    threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()
    log.configure(settings.log_level)
    hub = Hub.from_settings(settings)
    stages = pipeline(settings)
    warm_stages(hub, stages, f"compute-process:{os.getpid()}")
    collector.freeze()
    collector.collect_less()
    _child.update(hub=hub, stages=stages)


def _end_with(parent: int) -> None:
    """Exit once the hub's process is gone, however it ended (killed, or stopped by a signal
    before it could stop this one): never a child left behind."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _ready() -> bool:
    return True


def _run(stage_name: str, ref_ids: list[int]) -> tuple[dict[int, Any], dict[int, str]]:
    return load_and_compute(_child["hub"], _child["stages"][stage_name], ref_ids)


class ComputeProcess:
    """The child process, started at once (it imports and warms for a few seconds; batches
    before it is ready are computed by the worker itself), started again when it dies."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._warm: Future | None = None
        self.submitted = 0  # batches handed to the child
        self._start()

    def _start(self) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start, initargs=(self._settings, os.getpid()))
        self._warm = self._pool.submit(_ready)

    def submit(self, stage: Stage, ref_ids: list[int]) -> Future | None:
        """The batch's load and compute, in the child; None while it is starting (the caller
        computes the batch itself)."""
        with self._lock:
            if self._pool is None or not self._warm.done():
                return None
            if self._warm.exception() is not None:
                self._restart("start failed", self._warm.exception())
                return None
            try:
                future = self._pool.submit(_run, stage.name, ref_ids)
            except RuntimeError as exc:  # broken: it died since
                self._restart("submit failed", exc)
                return None
            self.submitted += 1
            return future

    def failed(self, exc: BaseException) -> None:
        """A batch's result did not come back: the worker computes it; a new child for the
        next one (when this one died)."""
        from concurrent.futures.process import BrokenProcessPool

        with self._lock:
            if isinstance(exc, BrokenProcessPool) and self._pool is not None:
                self._restart("died", exc)
            else:
                log.warning("hub.compute_process.batch_failed", error=repr(exc)[:200])

    def _restart(self, why: str, exc: BaseException | None) -> None:
        log.warning("hub.compute_process.restarted", why=why, error=repr(exc)[:200])
        old = self._pool
        self._pool = None
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
        self._start()

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until the child has started and warmed (benches and tests that need every batch
        computed there)."""
        self._warm.result(timeout)

    def pid(self) -> int | None:
        """The child's process id (tests), once started."""
        pool = self._pool
        processes = getattr(pool, "_processes", None) or {}
        return next(iter(processes), None)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
