"""The restore drill of docs/operations.md: back up a running hub, wipe the database and the
keys, restore both, and the hub reads every clue back, reporter data decrypted."""

from __future__ import annotations

import shutil
import stat
import time
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from hub.agencies.service import add_agency
from hub.container import Hub
from hub.db.models import Clue, RawRecord
from hub.intake.service import raw_aad, reporter_aad
from hub.security.keyring import create_keyring
from hub.security.signing import signing_key_path
from tests.conftest import make_settings
from tests.deploy.support import load_script
from tests.support import factories
from tests.support.live import LiveHub

pytestmark = pytest.mark.slow

CLUES = 6
hub_backup = load_script("hub_backup")


def _read_back(hub: Hub) -> dict[int, dict]:
    """Every clue with its reporter and raw record decrypted, keyed by id."""
    out = {}
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(select(Clue, RawRecord).join(RawRecord, Clue.raw_record_id == RawRecord.id)).all()
        for clue, raw in rows:
            reporter = orjson.loads(hub.cipher.decrypt(clue.reporter_enc,
                                                       reporter_aad(clue.agency_id, clue.source_ref)))
            body = hub.cipher.decrypt(raw.body_enc, raw_aad(raw.agency_id))
            out[clue.id] = {
                "status": clue.status, "title": clue.title, "reporter": reporter,
                "raw": orjson.loads(body)}
    return out


def _wipe_and_recreate_postgres(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def test_backup_wipe_restore_and_every_clue_reads_back(backend, tmp_path: Path) -> None:
    if backend.name == "server" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump/pg_restore are not installed")
    settings = make_settings(backend, tmp_path / "hub")
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    signing_id = hub.signing_key.key_id  # made on first use, beside the keyring
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name="十堰市中级人民法院", channel="court", region_code="420300")
        uow.commit()
    with LiveHub(hub) as live, httpx.Client(base_url=live.url, timeout=30,
                                            headers={"Authorization": f"Bearer {key}"}) as client:
        ids = [client.post("/api/v1/clues", json=factories.clue()).json()["id"] for _ in range(CLUES)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(
                client.get(f"/api/v1/clues/{i}").json()["status"] != "pending_review" for i in ids):
            time.sleep(0.2)
        before = _read_back(hub)
        backup_dir = tmp_path / "backup"
        manifest = hub_backup.backup(settings, backup_dir)  # online, while the hub runs
    hub.close()
    assert len(before) == CLUES and all(c["status"] == "pending_review" for c in before.values())
    assert set(manifest["files"]) >= {"keyring.json", "signing_key.pem"}
    for name in ("keyring.json", "signing_key.pem"):
        assert stat.S_IMODE((backup_dir / name).stat().st_mode) == 0o600

    # The disaster: database and keys gone.
    settings.keyring_path.unlink()
    signing_key_path(settings.keyring_path).unlink()
    if settings.is_sqlite:
        Path(make_url(settings.database_url).database).unlink()
    else:
        _wipe_and_recreate_postgres(settings.database_url)

    hub_backup.restore(settings, backup_dir)

    restored = Hub.from_settings(settings)
    try:
        assert _read_back(restored) == before  # every clue, reporter decrypted, raw record too
        assert restored.signing_key.key_id == signing_id
        with LiveHub(restored, workers=0, with_scheduler=False) as live, httpx.Client(
                base_url=live.url, timeout=30, headers={"Authorization": f"Bearer {key}"}) as client:
            assert client.get("/readyz").status_code == 200
            assert [client.get(f"/api/v1/clues/{i}").json()["status"] for i in ids] == \
                ["pending_review"] * CLUES
    finally:
        restored.close()


def test_a_damaged_backup_is_refused_before_anything_is_overwritten(backend, tmp_path: Path) -> None:
    if backend.name == "server":
        pytest.skip("the manifest check is the same for both databases")
    settings = make_settings(backend, tmp_path / "hub")
    create_keyring(settings.keyring_path)
    hub_backup.backup(settings, tmp_path / "backup")
    with (tmp_path / "backup" / "keyring.json").open("ab") as fh:
        fh.write(b" ")
    original = settings.keyring_path.read_bytes()
    settings.keyring_path.unlink()
    with pytest.raises(SystemExit, match="与清单不符"):
        hub_backup.restore(settings, tmp_path / "backup")
    assert not settings.keyring_path.exists() and original
