"""One world per module and backend: a hub on loopback, the office's users, one browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from hub.accounts.service import add_user
from hub.container import Hub
from hub.pipeline.stages import pipeline
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.support import backends
from tests.support.live import LiveHub

PASSWORD = "correct-horse-9"
USERS = (("admin", "王管理员", "admin"), ("li", "李科员", "reviewer"),
         ("head", "张科长", "section_head"), ("audit", "审计员", "auditor"))


@dataclass
class World:
    hub: Hub
    url: str


@pytest.fixture(scope="module", params=backends.backend_names())
def world(request, tmp_path_factory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("admin")
    backend = (backends.sqlite_backend(tmp) if request.param == "embedded"
               else backends.postgres_backend())
    settings = make_settings(backend, tmp)
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        for username, name, role in USERS:
            add_user(uow.session, username=username, display_name=name, role=role,
                     password=PASSWORD)
        uow.commit()
    with LiveHub(hub) as live:
        yield World(hub, live.url)
    hub.close()
    backends.delete_queues(settings.broker_url, settings.queue_prefix, list(pipeline(settings)))
    backend.drop()


def office_client(world: World, username: str) -> tuple[httpx.Client, str]:
    """A logged-in client of the office's pages, and its CSRF token."""
    client = httpx.Client(base_url=world.url, timeout=60, follow_redirects=False)
    answer = client.post("/api/v1/office/session", json={"username": username,
                                                         "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, answer.json()["csrf_token"]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
