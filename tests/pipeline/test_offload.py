"""`hub run`'s second process: it reads and computes a worker's batches while the worker
stores the one before; what is stored is what one process stores, and a child that dies
costs nothing but time."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from bench import proc_cpu, synth
from hub.agencies.service import add_agency
from hub.db.models import Clue, Task
from hub.pipeline.offload import ComputeProcess, load_and_compute
from hub.pipeline.stages import FIRST_STAGE, pipeline
from hub.pipeline.worker import Worker
from hub.route.models import RouteProposal
from tests.support.live import LiveHub, free_port
from tests.support.processes import HubProcesses


@pytest.fixture
def offload(hub) -> Iterator[ComputeProcess]:
    made = ComputeProcess(hub.settings)
    made.wait_ready()
    yield made
    made.close()


AGENCIES = {3: "郧西县人民法院", 4: "竹山县人民法院", 5: "房县人民法院"}


def _accept(hub, n: int, seed: int = 3) -> None:
    """n clues through the batch API, as an agency sends them (no worker of its own: they
    wait for the test's)."""
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name=AGENCIES[seed], channel="court",
                            region_code="420322")
        uow.commit()
    clues = synth.clues(n, seed=seed, prefix=f"OFF{seed}")
    with LiveHub(hub, workers=0, with_scheduler=False) as live:
        answer = httpx.post(f"{live.url}/api/v1/clues/batch", json={"clues": clues},
                            headers={"Authorization": f"Bearer {key}"}, timeout=60)
        assert answer.status_code in (200, 201), answer.text


def _pending(hub) -> list[int]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(Task.id).where(
            Task.stage == FIRST_STAGE, Task.state == "pending").order_by(Task.id)))


def _stored(hub) -> dict[int, tuple]:
    with hub.uow(write=False) as uow:
        clues = {c.id: (c.status, c.category, c.region_code)
                 for c in uow.session.scalars(select(Clue))}
        for proposal in uow.session.scalars(select(RouteProposal)):
            clues[proposal.clue_id] += (proposal.action, proposal.target, proposal.rule_id)
    return clues


def test_batches_computed_in_the_second_process_are_stored_as_one_process_computes_them(
        hub, offload):
    _accept(hub, 60)
    stage = pipeline(hub.settings)[FIRST_STAGE]
    with hub.uow(write=False) as uow:
        refs = [t.ref_id for t in uow.session.scalars(select(Task).where(Task.stage == FIRST_STAGE))]
    expected, failed = load_and_compute(hub, stage, refs)  # here, in this process
    assert len(expected) == 60 and not failed

    worker = Worker(hub, name="offload", offload=offload)
    worker.batch_size = 20
    worker.process_all(stage, _pending(hub))

    assert offload.submitted == 3  # every batch computed there, none here
    stored = _stored(hub)
    assert {s[0] for s in stored.values()} == {"pending_review"}
    for ref, result in expected.items():
        proposal = result.routing.proposal
        assert stored[ref][1:3] == (result.normalized.category, result.normalized.region_code)
        assert stored[ref][3:] == ((proposal.action, proposal.target, proposal.rule_id)
                                   if proposal else (None, None, None))
    assert _pending(hub) == []


def test_a_second_process_that_dies_costs_its_batch_nothing(hub, offload):
    _accept(hub, 40)
    stage = pipeline(hub.settings)[FIRST_STAGE]
    worker = Worker(hub, name="offload", offload=offload)
    worker.batch_size = 20
    first = offload.pid()
    os.kill(first, signal.SIGKILL)
    time.sleep(0.2)

    worker.process_all(stage, _pending(hub))

    assert {s[0] for s in _stored(hub).values()} == {"pending_review"}
    # a new one is started; the next batches go to it again
    offload.wait_ready()
    assert offload.pid() not in (None, first)
    before = offload.submitted
    _accept(hub, 20, seed=4)
    worker.process_all(stage, _pending(hub))
    assert offload.submitted == before + 1
    assert {s[0] for s in _stored(hub).values()} == {"pending_review"}


def test_a_consuming_worker_stores_each_batch_the_second_process_computed(hub, offload):
    """Wake-ups through the queue: the batch computed there is stored as soon as it is back,
    also when no more wake-ups come, and the worker stops with nothing left computing."""
    worker = Worker(hub, name="offload", offload=offload)
    worker.batch_size = 25
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)  # consuming
        _accept(hub, 70, seed=5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
                {s[0] for s in _stored(hub).values()} != {"pending_review"}):
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive()
    assert {s[0] for s in _stored(hub).values()} == {"pending_review"}
    assert len(_stored(hub)) == 70 and _pending(hub) == []
    assert offload.submitted >= 1 and worker._computing is None


def _gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(map(proc_cpu.alive, pids)):
        time.sleep(0.1)
    return not any(map(proc_cpu.alive, pids))


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_hub_run_leaves_no_process_behind_however_it_is_stopped(backend, settings, tmp_path, how):
    if backend.name != "embedded":
        pytest.skip("`hub run` is the embedded default")
    settings.port = free_port()
    proc = HubProcesses(settings, tmp_path).start("run", HUB_WORKER_COMPUTE_PROCESS="true")
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(proc_cpu.tree(proc.pid)) < 3:
            time.sleep(0.2)  # the second process and multiprocessing's resource tracker
        children = [pid for pid in proc_cpu.tree(proc.pid) if pid != proc.pid]
        assert len(children) >= 2, (tmp_path / "run.log").read_text()
        proc.send_signal(getattr(signal, how))
        code = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    if how == "SIGTERM":  # stopped in order: workers, the second process, the audit chain
        assert code == 0, (tmp_path / "run.log").read_text()
    assert _gone(children), [c for c in children if proc_cpu.alive(c)]
