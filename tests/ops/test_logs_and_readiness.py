"""Logs carry ids and counts, never personal data; readiness tells what is down."""

from __future__ import annotations

import httpx

from hub import log
from hub.container import Hub
from tests.conftest import make_settings
from tests.support import backends, factories
from tests.support.live import LiveHub


def test_no_personal_data_in_logs(agencies, capsys):
    _, key = agencies.add()
    log.configure("DEBUG")
    try:
        payload = factories.clue()
        client = agencies.client(key)
        assert client.post("/api/v1/clues", json=payload).status_code == 201
        bad = factories.clue(reporter={"name": "王五", "phone": "139", "anonymous": False})
        assert client.post("/api/v1/clues", json=bad).status_code == 422
    finally:
        log.configure("WARNING")
    logged = capsys.readouterr().err
    assert "hub.intake.recorded" in logged
    for secret in ("13812345678", "张三", payload["reporter"]["id_number"], "王五"):
        assert secret not in logged


def test_readiness_is_503_naming_the_broker_when_it_is_down(tmp_path):
    from hub.security.keyring import create_keyring

    backend = backends.sqlite_backend(tmp_path)
    settings = make_settings(backend, tmp_path, broker_url="amqp://guest:guest@127.0.0.1:1//")
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    try:
        with LiveHub(hub, workers=0, with_scheduler=False) as live:
            ready = httpx.get(f"{live.url}/readyz", timeout=30)
    finally:
        hub.close()
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["broker"].startswith("error")
