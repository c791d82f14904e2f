"""`POST /api/v1/clues/batch` answers item by item; one bad item never sinks the rest."""

from __future__ import annotations

from sqlalchemy import func, select

from hub.db.models import Clue, RawRecord
from tests.support import factories


def test_batch_answers_item_by_item_in_the_order_sent(agencies, hub):
    _, key = agencies.add()
    client = agencies.client(key)
    known = factories.clue()
    assert client.post("/api/v1/clues", json=known).status_code == 201
    fresh = factories.clue()
    bad = factories.clue(channel="telepathy")

    response = client.post("/api/v1/clues/batch", json={"clues": [fresh, bad, known, fresh]})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["status"] for r in results] == [201, 422, 200, 200]
    assert results[1]["errors"][0]["loc"] == ["body", "clues", 1, "channel"]
    assert "取值应为以下之一" in results[1]["errors"][0]["msg"]
    assert results[3]["clue"]["id"] == results[0]["clue"]["id"]
    with hub.uow(write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Clue)) == 2
        last = uow.session.scalars(select(RawRecord).order_by(RawRecord.id.desc())).first()
    assert last.outcome == "partial" and last.errors[0]["loc"] == ["body", "clues", 1, "channel"]


def test_batch_body_that_is_not_a_batch_is_refused_whole(agencies):
    _, key = agencies.add()
    client = agencies.client(key)
    for body in ([factories.clue()], {"items": []}, {"clues": []}, "text"):
        response = client.post("/api/v1/clues/batch", json=body)
        assert response.status_code == 422, body
        assert response.json()["errors"]


def test_batch_over_500_items_is_refused(agencies):
    _, key = agencies.add()
    response = agencies.client(key).post(
        "/api/v1/clues/batch", json={"clues": [factories.clue() for _ in range(501)]})
    assert response.status_code == 422
    assert "500" in response.json()["errors"][0]["msg"]


def test_a_full_batch_reaches_review(agencies, hub):
    import time

    _, key = agencies.add()
    response = agencies.client(key).post(
        "/api/v1/clues/batch", json={"clues": [factories.clue() for _ in range(500)]})
    assert [r["status"] for r in response.json()["results"]] == [201] * 500
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with hub.uow(write=False) as uow:
            waiting = uow.session.scalar(
                select(func.count()).select_from(Clue).where(Clue.status == "pending_review"))
        if waiting == 500:
            break
        time.sleep(0.1)
    assert waiting == 500
