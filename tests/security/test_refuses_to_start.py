"""Outside development the real `hub` command refuses default secrets and exposed key files."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from hub.errors import ConfigError
from hub.security.keyring import create_keyring
from hub.security.signing import create_signing_key, signing_key_path
from hub.security.startup import check_safe_to_start
from hub.settings import Settings
from tests.support.live import free_port

HUB = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "hub")


@pytest.fixture
def keys(tmp_path):
    path = tmp_path / "keyring.json"
    create_keyring(path)
    create_signing_key(signing_key_path(path))
    return path


def env_for(tmp_path: Path, keyring: Path, **extra: str) -> dict:
    return {**os.environ, "HUB_ENVIRONMENT": "production",
            "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_BROKER_URL": "memory://",
            "HUB_KEYRING_PATH": str(keyring), "HUB_PORT": str(free_port()), **extra}


def hub(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([HUB, *args], env=env, capture_output=True, text=True, timeout=60)


def test_the_real_command_names_every_reason_at_once(tmp_path, keys):
    os.chmod(keys, 0o644)
    env = env_for(tmp_path, keys, HUB_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//",
                  HUB_DATABASE_URL="postgresql+psycopg://hub:changeme@127.0.0.1:1/hub")
    out = hub(env, "api")
    assert out.returncode == 1
    assert "HUB_ENVIRONMENT=production：拒绝启动" in out.stderr
    assert "HUB_BROKER_URL 使用了默认口令（guest:*****）" in out.stderr
    assert "HUB_DATABASE_URL 使用了默认口令（hub:********）" in out.stderr
    assert "changeme" not in out.stderr and "guest:guest" not in out.stderr
    assert "其他用户可读" in out.stderr and f"chmod 600 {keys}" in out.stderr


def test_the_real_command_does_not_make_a_keyring_silently_in_production(tmp_path):
    out = hub(env_for(tmp_path, tmp_path / "nowhere" / "keyring.json"), "worker")
    assert out.returncode == 1 and "不存在" in out.stderr and "hub keys init" in out.stderr


def settings_for(tmp_path: Path, keyring: Path, **values: object) -> Settings:
    base = {"environment": "production", "database_url": f"sqlite:///{tmp_path}/hub.db",
            "broker_url": "memory://", "keyring_path": keyring, **values}
    return Settings(_env_file=None, **base)


@pytest.mark.parametrize(("values", "says"), [
    ({"broker_url": "amqp://guest:guest@mq:5672//"}, "HUB_BROKER_URL"),
    ({"broker_url": "amqp://mq:5672//"}, "HUB_BROKER_URL"),  # kombu then logs in as guest
    ({"broker_url": "amqp://hub:hub@mq//"}, "HUB_BROKER_URL"),
    ({"database_url": "postgresql+psycopg://postgres:postgres@db/hub"}, "HUB_DATABASE_URL"),
    ({"database_url": "postgresql+psycopg://hub:password@db/hub"}, "HUB_DATABASE_URL"),
])
def test_each_default_password_is_refused(tmp_path, keys, values, says):
    with pytest.raises(ConfigError, match=says):
        check_safe_to_start(settings_for(tmp_path, keys, **values))


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_signing_key_others_can_read_is_refused(tmp_path, keys, mode):
    os.chmod(signing_key_path(keys), mode)
    with pytest.raises(ConfigError, match="签名密钥文件.*其他用户可读"):
        check_safe_to_start(settings_for(tmp_path, keys))


def test_strong_passwords_and_development_defaults_pass(tmp_path, keys):
    check_safe_to_start(settings_for(
        tmp_path, keys, broker_url="amqp://hub:Xk9-long-random@mq:5672//",
        database_url="postgresql+psycopg://hub:Xk9-long-random@db/hub"))
    check_safe_to_start(settings_for(tmp_path, keys, environment="development",
                                     broker_url="amqp://guest:guest@mq//"))


def test_a_safe_production_configuration_starts_and_serves(tmp_path, keys):
    env = env_for(tmp_path, keys)
    process = subprocess.Popen([HUB, "api"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{env['HUB_PORT']}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "hub api did not start"
                time.sleep(0.2)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_two_processes_making_the_keys_at_once_get_the_same_whole_keys(tmp_path):
    """Two hubs started side by side with one keyring: the one that loses the race loads the
    keyring and signing key the other made, never a half-written file."""
    from concurrent.futures import ThreadPoolExecutor

    from hub.security.keyring import ensure_keyring
    from hub.security.signing import ensure_signing_key

    keyring = tmp_path / "keyring.json"
    signing = signing_key_path(keyring)
    for _ in range(20):
        for path in (keyring, signing):
            if path.exists():
                path.unlink()
        with ThreadPoolExecutor(8) as pool:
            rings = list(pool.map(lambda _: ensure_keyring(keyring).active_id, range(8)))
            keys = list(pool.map(lambda _: ensure_signing_key(signing).key_id, range(8)))
        assert len(set(rings)) == 1 and len(set(keys)) == 1
        for path in (keyring, signing):
            assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keyring.json", "signing_key.pem"]
