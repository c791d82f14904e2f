"""Shared fixtures: a migrated hub per test on each configured backend, agencies, a live server."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import hypothesis
import pytest

from hub import log
from hub.agencies.service import add_agency
from hub.container import Hub
from hub.pipeline.stages import pipeline
from hub.security.keyring import create_keyring
from hub.settings import Settings
from tests.support import backends, fixed_costs
from tests.support.live import LiveHub

os.environ.setdefault("HUB_ENVIRONMENT", "development")
log.configure("WARNING")

# Property tests check what is computed, never how fast: on a machine busy with other work a
# slow example would fail Hypothesis's 200 ms deadline (or be called flaky when it runs again
# fast), so no deadline; a test may still set its own.
hypothesis.settings.register_profile("hub", deadline=None)
hypothesis.settings.load_profile("hub")


def make_settings(backend: backends.Backend, tmp_path: Path, **overrides: object) -> Settings:
    values = {
        "database_url": backend.database_url,
        "broker_url": backend.broker_url,
        "queue_prefix": backend.queue_prefix,
        "keyring_path": tmp_path / "keyring.json",
        "sweep_interval_seconds": 0.5,
        "task_unclaimed_seconds": 2.0,
        "task_stuck_seconds": 5.0,
        "api_key_cache_seconds": 0.0,  # revocations seen at once; the cache has its own test
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture(params=backends.backend_names())
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[backends.Backend]:
    made = (backends.sqlite_backend(tmp_path) if request.param == "embedded"
            else backends.postgres_backend())
    yield made
    made.drop()


@pytest.fixture
def settings(backend: backends.Backend, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path)


@pytest.fixture
def hub(settings: Settings) -> Iterator[Hub]:
    create_keyring(settings.keyring_path)
    made = Hub.from_settings(settings)
    yield made
    made.close()
    backends.delete_queues(settings.broker_url, settings.queue_prefix, list(pipeline(settings)))


@pytest.fixture(scope="session", autouse=True)
def _quick_fixed_costs() -> Iterator[None]:
    """argon2 at its smallest cost and one shared TLS context (tests/support/fixed_costs.py)."""
    undo = fixed_costs.install()
    yield
    undo()


@pytest.fixture(scope="session", autouse=True)
def _drop_templates() -> Iterator[None]:
    yield
    backends.drop_templates()


@pytest.fixture(scope="session", autouse=True)
def _close_browser() -> Iterator[None]:
    """The browser tests share one browser per test process (tests/support/browser.py)."""
    yield
    if "tests.support.browser" in sys.modules:  # imported by a browser test
        sys.modules["tests.support.browser"].close_shared()


class Agencies:
    """Registers partner agencies and gives back an httpx client with their key."""

    def __init__(self, hub: Hub, base_url: str | None) -> None:
        self.hub = hub
        self.base_url = base_url
        self.clients: list[httpx.Client] = []

    def add(self, name: str = "十堰市中级人民法院", channel: str = "court") -> tuple[int, str]:
        with self.hub.uow() as uow:
            agency, key = add_agency(uow.session, name=name, channel=channel, region_code="420300")
            uow.commit()
        return agency.id, key

    def client(self, key: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        client = httpx.Client(base_url=self.base_url, headers=headers, timeout=30)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()


@pytest.fixture
def live(hub: Hub) -> Iterator[LiveHub]:
    with LiveHub(hub) as server:
        yield server


@pytest.fixture
def agencies(hub: Hub, live: LiveHub) -> Iterator[Agencies]:
    made = Agencies(hub, live.url)
    yield made
    made.close()
