"""Master keys rotate while partners push clues; every value still reads back; old keys retire."""

from __future__ import annotations

import threading
import time

import orjson
import pytest
from sqlalchemy import select

from hub.db.models import Clue, RawRecord
from hub.errors import ConfigError
from hub.intake.service import raw_aad, reporter_aad
from hub.rotation import add_master_key, key_usage, retire_key
from hub.security.crypto import Cipher
from hub.security.keyring import KeyringFile
from tests.privacy.conftest import wait_for_review
from tests.support import factories
from tests.support.cli import run_hub


def _read_everything(hub) -> tuple[int, int]:
    """Decrypt every reporter block and raw body with a freshly loaded keyring."""
    cipher = Cipher(KeyringFile(hub.settings.keyring_path))
    with hub.uow(write=False) as uow:
        clues = uow.session.execute(select(Clue.agency_id, Clue.source_ref, Clue.reporter_enc)).all()
        raws = uow.session.execute(select(RawRecord.agency_id, RawRecord.body_enc)).all()
    for agency_id, source_ref, blob in clues:
        reporter = orjson.loads(cipher.decrypt(blob, reporter_aad(agency_id, source_ref)))
        assert reporter["phone"] == "13812345678"
    for agency_id, blob in raws:
        assert orjson.loads(cipher.decrypt(blob, raw_aad(agency_id)))
    return len(clues), len(raws)


def test_rotating_twice_under_load_loses_nothing(hub, agencies, settings):
    _, key = agencies.add()
    client = agencies.client(key)
    stop, sent, failures = threading.Event(), [], []

    def push() -> None:
        while not stop.is_set() or len(sent) < 10:
            answer = client.post("/api/v1/clues/batch", json={"clues": [
                factories.clue() for _ in range(5)]})
            (sent if answer.status_code == 200 else failures).append(answer.status_code)
            time.sleep(0.02)  # a steady stream, not a flood

    first_key = hub.cipher._keys.active_key()[0]
    pusher = threading.Thread(target=push)
    pusher.start()
    deadline = time.monotonic() + 60
    while len(sent) < 3 and time.monotonic() < deadline:  # data to re-wrap from the start
        time.sleep(0.05)
    try:
        outputs = [run_hub(settings, "keys", "rotate", "--batch", "50") for _ in range(2)]
    finally:
        stop.set()
        pusher.join(120)
    for out in outputs:
        assert out.returncode == 0, out.stderr
        assert "已启用" in out.stdout and "已重新封装" in out.stdout  # progress, batch by batch
    assert not failures

    clues, raws = _read_everything(hub)
    assert clues == 5 * len(sent) and raws == len(sent)
    ring = hub.cipher._keys.ring()
    assert len(ring.keys) == 3 and ring.active_id != first_key

    active = run_hub(settings, "keys", "retire", ring.active_id)
    assert active.returncode == 1 and "是当前主密钥，不能停用" in active.stderr
    run_hub(settings, "keys", "rewrap")  # anything written by a process that had not yet seen it
    for old in [k for k in ring.keys if k != ring.active_id]:
        out = run_hub(settings, "keys", "retire", old)
        assert out.returncode == 0, out.stderr
    assert list(hub.cipher._keys.ring().keys) == [ring.active_id]
    assert _read_everything(hub) == (clues, raws)
    status = run_hub(settings, "keys", "status")
    assert f"* {ring.active_id}" in status.stdout and "已停用" in status.stdout


def test_retire_refuses_a_key_still_in_use(hub, agencies):
    _, key = agencies.add()
    agencies.client(key).post("/api/v1/clues", json=factories.clue())
    wait_for_review(hub, 1)
    old = hub.cipher._keys.active_key()[0]
    add_master_key(hub)  # a new key, nothing re-wrapped yet
    with pytest.raises(ConfigError, match="仍有 2 个加密值使用密钥"):
        retire_key(hub, old)
    assert key_usage(hub)[old] == 2
