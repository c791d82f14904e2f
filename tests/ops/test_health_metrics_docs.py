"""What the person running the servers sees: health, readiness, metrics, API docs."""

from __future__ import annotations

import time

import httpx

from tests.support import factories


def test_health_and_readiness(live):
    assert httpx.get(f"{live.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{live.url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_metrics_count_clues_received_processed_and_refused(agencies, live):
    _, key = agencies.add()
    client = agencies.client(key)
    for _ in range(3):
        assert client.post("/api/v1/clues", json=factories.clue()).status_code == 201
    assert client.post("/api/v1/clues", json={"title": "缺字段"}).status_code == 422

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        text = httpx.get(f"{live.url}/metrics").text
        if "hub_clues_processed_total 3.0" in text:
            break
        time.sleep(0.1)
    assert "hub_clues_received_total 3.0" in text
    assert "hub_clues_processed_total 3.0" in text
    assert 'hub_raw_records_total{outcome="rejected"} 1.0' in text
    assert 'hub_tasks{stage="normalize",state="done"} 3.0' in text
    assert "hub_queue_lag_seconds 0.0" in text
    assert 'hub_webhook_deliveries{state="failed"} 0.0' in text


def test_openapi_documents_the_contract(live):
    doc = httpx.get(f"{live.url}/openapi.json").json()
    body = doc["paths"]["/api/v1/clues"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"] == "#/components/schemas/ClueSubmission"
    submission = doc["components"]["schemas"]["ClueSubmission"]
    assert set(submission["required"]) == {"source_ref", "channel", "reported_at", "title", "content"}
    assert submission["additionalProperties"] is False
    assert httpx.get(f"{live.url}/docs").status_code == 200
