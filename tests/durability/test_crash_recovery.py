"""Nothing lost, nothing doubled: kill processes in the middle of the work, then count."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from hub.agencies.service import add_agency
from hub.container import Hub
from hub.db.models import Clue, ClueEvent
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.support import factories
from tests.support.backends import Vhost
from tests.support.live import free_port
from tests.support.processes import HubProcesses

pytestmark = pytest.mark.slow

TOTAL_BATCHES, BATCH = 8, 75


def _pusher(url: str, key: str, accepted: list[str], failures: list[str]) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        for _ in range(TOTAL_BATCHES):
            clues = [factories.clue() for _ in range(BATCH)]
            try:
                response = client.post("/api/v1/clues/batch", json={"clues": clues})
            except httpx.TransportError as exc:
                failures.append(repr(exc))
                continue
            accepted.extend(r["clue"]["id"] for r in response.json()["results"] if r["status"] == 201)


def _count(hub: Hub, *where) -> int:
    with hub.uow(write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(Clue).where(*where))


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.fixture
def broker(backend, tmp_path: Path) -> Iterator[tuple[str, Vhost | None]]:
    """Where this test's processes meet: SQLite's queue file for the embedded backend; on
    RabbitMQ a vhost of the test's own, so dropping its connections drops no one else's."""
    if backend.name == "embedded":  # separate processes share a queue through SQLite
        yield f"sqla+sqlite:///{tmp_path}/queue.db", None
        return
    vhost = Vhost(backend.broker_url)
    try:
        yield vhost.url or backend.broker_url, vhost if vhost.url else None
    finally:
        vhost.delete()


def test_worker_killed_mid_batch_loses_and_doubles_nothing(backend, broker, tmp_path: Path):
    broker, vhost = broker
    settings = make_settings(backend, tmp_path, broker_url=broker, port=free_port(),
                             task_stuck_seconds=3.0, worker_batch_size=25)
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name="十堰市12345热线", channel="hotline", region_code=None)
        uow.commit()
    procs = HubProcesses(settings, tmp_path)
    accepted: list[str] = []
    failures: list[str] = []
    try:
        procs.start("api")
        procs.start("scheduler")
        procs.start("worker")
        pusher = threading.Thread(target=_pusher, args=(f"http://127.0.0.1:{settings.port}", key,
                                                        accepted, failures))
        pusher.start()
        assert _wait(lambda: _count(hub, Clue.status == "pending_review") >= 100, 60)
        procs.kill("worker")
        if vhost is not None:  # and the broker drops every connection of this test
            vhost.close_connections("test: broker drop")
        procs.start("worker", "worker-2")
        pusher.join(120)
        expected = TOTAL_BATCHES * BATCH
        assert not failures and len(accepted) == expected
        assert _wait(lambda: _count(hub, Clue.status == "pending_review") == expected, 90), (
            f"{_count(hub, Clue.status == 'pending_review')} of {expected} reached review")
    finally:
        procs.stop_all()
    with hub.uow(write=False) as uow:
        ids = uow.session.scalars(select(Clue.id)).all()
        normalized = uow.session.execute(
            select(ClueEvent.clue_id, func.count()).where(ClueEvent.action == "normalized")
            .group_by(ClueEvent.clue_id)).all()
    hub.close()
    assert len(ids) == len(set(accepted)) == expected
    assert len(normalized) == expected and all(n == 1 for _, n in normalized)
