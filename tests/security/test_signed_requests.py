"""Agencies that registered an Ed25519 key must sign every request; replays and stale ones fail."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import httpx
import pytest

from hub.container import Hub
from tests.security.support import agency_with, key_pair, readme_example, register_signing_key
from tests.support import factories
from tests.support.cli import run_hub as hub_cli
from tests.support.live import LiveHub


@pytest.fixture
def signer(hub):
    agency_id, key = agency_with(hub, "十堰市人民检察院", channel="procuratorate")
    private_pem, public_pem = key_pair()
    register_signing_key(hub, agency_id, public_pem)
    return key, private_pem


def signed(key: str, private_pem: bytes, method: str, target: str, body: bytes = b"",
           timestamp: int | None = None, nonce: str | None = None) -> dict:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or base64.urlsafe_b64encode(hashlib.sha256(str(time.perf_counter_ns())
                                                             .encode()).digest()[:18]).decode()
    message = "\n".join(["hub-request-v1", method, target, stamp, nonce,
                         hashlib.sha256(body).hexdigest()]).encode()
    signature = load_pem_private_key(private_pem, password=None).sign(message)
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
            "X-Hub-Timestamp": stamp, "X-Hub-Nonce": nonce,
            "X-Hub-Signature": base64.b64encode(signature).decode()}


def test_the_readme_example_signs_a_request_the_hub_accepts(live, signer):
    key, private_pem = signer
    response = readme_example()["signed_post"](live.url, "/api/v1/clues", factories.clue(), key,
                                               private_pem)
    assert response.status_code == 201, response.text


def test_an_unsigned_request_is_refused_naming_the_missing_headers(live, signer):
    key, _ = signer
    response = httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                          headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert "必须签名" in response.json()["message"]
    assert "X-Hub-Signature" in response.json()["message"]


def test_a_replayed_nonce_is_refused(live, signer):
    key, private_pem = signer
    body = json.dumps(factories.clue(), ensure_ascii=False).encode()
    headers = signed(key, private_pem, "POST", "/api/v1/clues", body)
    first = httpx.post(f"{live.url}/api/v1/clues", content=body, headers=headers)
    assert first.status_code == 201
    again = httpx.post(f"{live.url}/api/v1/clues", content=body, headers=headers)
    assert again.status_code == 401 and "已经用过" in again.json()["message"]


def test_a_nonce_used_against_one_api_process_is_refused_by_another(hub, settings, live, signer):
    key, private_pem = signer
    body = json.dumps(factories.clue(), ensure_ascii=False).encode()
    headers = signed(key, private_pem, "POST", "/api/v1/clues", body)
    assert httpx.post(f"{live.url}/api/v1/clues", content=body, headers=headers).status_code == 201
    other = Hub.from_settings(settings)  # its own engine, key cache and limiter
    try:
        with LiveHub(other, workers=0, with_scheduler=False) as second:
            replay = httpx.post(f"{second.url}/api/v1/clues", content=body, headers=headers)
    finally:
        other.close()
    assert replay.status_code == 401 and "重放" in replay.json()["message"]


@pytest.mark.parametrize("offset", [-400, 400])
def test_a_stale_or_future_timestamp_is_refused(live, signer, offset):
    key, private_pem = signer
    body = json.dumps(factories.clue(), ensure_ascii=False).encode()
    headers = signed(key, private_pem, "POST", "/api/v1/clues", body,
                     timestamp=int(time.time()) + offset)
    response = httpx.post(f"{live.url}/api/v1/clues", content=body, headers=headers)
    assert response.status_code == 401
    assert "超过允许的 300 秒" in response.json()["message"]


def test_a_changed_body_or_path_breaks_the_signature(live, signer):
    key, private_pem = signer
    body = json.dumps(factories.clue(), ensure_ascii=False).encode()
    headers = signed(key, private_pem, "POST", "/api/v1/clues", body)
    tampered = body.replace("郧西县".encode(), "竹山县".encode())
    response = httpx.post(f"{live.url}/api/v1/clues", content=tampered, headers=headers)
    assert response.status_code == 401 and "签名无效" in response.json()["message"]
    made = httpx.post(f"{live.url}/api/v1/clues", content=body,
                      headers=signed(key, private_pem, "POST", "/api/v1/clues", body)).json()
    target = f"/api/v1/clues/{made['id']}"
    ok = httpx.get(f"{live.url}{target}", headers=signed(key, private_pem, "GET", target))
    assert ok.status_code == 200
    wrong_path = httpx.get(f"{live.url}{target}?x=1",
                           headers=signed(key, private_pem, "GET", target))
    assert wrong_path.status_code == 401


def test_cli_registers_and_removes_the_signing_key(hub, settings, live, tmp_path):
    agency_id, key = agency_with(hub, "十堰市中级人民法院")
    _, public_pem = key_pair()
    (tmp_path / "court.pub.pem").write_text(public_pem)
    out = hub_cli(settings, "agency", "signing-key", str(agency_id), "--public-key",
                  str(tmp_path / "court.pub.pem"))
    assert out.returncode == 0 and "必须签名" in out.stdout
    plain = {"Authorization": f"Bearer {key}"}
    assert httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                      headers=plain).status_code == 401
    hub_cli(settings, "agency", "signing-key", str(agency_id), "--remove")
    assert httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                      headers=plain).status_code == 201
    (tmp_path / "bad.pem").write_text("not a key")
    bad = hub_cli(settings, "agency", "signing-key", str(agency_id), "--public-key",
                  str(tmp_path / "bad.pem"))
    assert bad.returncode == 2 and "Ed25519" in bad.stderr
