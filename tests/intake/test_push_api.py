"""A partner agency pushes clues over HTTP to a real hub on loopback."""

from __future__ import annotations

import time

import httpx
import orjson
from sqlalchemy import func, select

from hub.db.models import Clue, RawRecord
from tests.support import factories


def wait_for_status(client: httpx.Client, clue_id: str, status: str, seconds: float = 15) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        body = client.get(f"/api/v1/clues/{clue_id}").json()
        if body["status"] == status or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_new_clue_is_recorded_and_waits_for_review(agencies):
    _, key = agencies.add()
    client = agencies.client(key)
    payload = factories.clue()
    payload.pop("category", None)

    response = client.post("/api/v1/clues", json=payload)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["id"].startswith("XS-2026-") or created["id"].startswith("XS-")
    assert created["status"] == "received"
    assert created["source_ref"] == payload["source_ref"]
    done = wait_for_status(client, created["id"], "pending_review")
    assert done["status"] == "pending_review"
    assert done["category"] == "review_correction" or done["category"] in (
        "enforcement", "judgment_compliance")
    assert done["category_source"] == "classified"
    assert done["region_code"] == "420322" and done["region_source"] == "text"


def test_resent_clue_returns_the_existing_one(agencies, hub):
    _, key = agencies.add()
    client = agencies.client(key)
    payload = factories.clue()

    first = client.post("/api/v1/clues", json=payload)
    again = client.post("/api/v1/clues", json=payload)

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    with hub.uow(write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Clue)) == 1
        outcomes = uow.session.scalars(select(RawRecord.outcome).order_by(RawRecord.id)).all()
    assert outcomes == ["accepted", "duplicate"]


def test_same_source_ref_from_two_agencies_is_two_clues(agencies):
    _, court = agencies.add("十堰市中级人民法院", "court")
    _, hotline = agencies.add("十堰市12345热线", "hotline")
    payload = factories.clue()

    a = agencies.client(court).post("/api/v1/clues", json=payload)
    b = agencies.client(hotline).post("/api/v1/clues", json=payload)

    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_each_bad_field_is_named_in_plain_words(agencies):
    _, key = agencies.add()
    payload = factories.clue(
        title="",
        region_code="420399",
        reported_at="2026-10-08 09:30:00",
        subjects=[{"name": "郧西县交通运输局", "credit_code": factories.credit_code()[:-1] + "0"}],
        reporter={"name": "李四", "id_number": "420322198001011230", "anonymous": False},
        colour="red",
    )
    payload.pop("content")

    response = agencies.client(key).post("/api/v1/clues", json=payload)

    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["errors"]}
    assert "标题（title）：不能为空" in errors[("body", "title")]
    assert "必须填写" in errors[("body", "content")]
    assert "420399" in errors[("body", "region_code")]
    assert "时区" in errors[("body", "reported_at")] or "RFC 3339" in errors[("body", "reported_at")]
    assert "校验" in errors[("body", "subjects", 0, "credit_code")]
    assert ("body", "reporter", "id_number") in errors
    assert "没有这个字段" in errors[("body", "colour")]


def test_reported_at_in_the_future_is_refused(agencies):
    _, key = agencies.add()
    payload = factories.clue(reported_at="2099-01-01T08:00:00+08:00")
    response = agencies.client(key).post("/api/v1/clues", json=payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "reported_at"]
    assert "不能晚于当前时间" in response.json()["errors"][0]["msg"]


def test_refused_body_is_kept_as_a_raw_record(agencies, hub):
    _, key = agencies.add()
    body = b'{"source_ref": "X-1", "channel": "nowhere"'

    response = agencies.client(key).post("/api/v1/clues", content=body,
                                         headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert "JSON" in response.json()["errors"][0]["msg"]
    with hub.uow(write=False) as uow:
        raw = uow.session.scalars(select(RawRecord)).one()
    assert raw.outcome == "rejected"
    assert hub.cipher.decrypt(raw.body_enc, f"raw:{raw.agency_id}".encode()) == body


def test_missing_wrong_or_revoked_key_gets_401(agencies, hub):
    from hub.agencies.service import revoke_key

    _, key = agencies.add()
    payload = factories.clue()
    assert agencies.client(None).post("/api/v1/clues", json=payload).status_code == 401
    assert agencies.client(key[:-2] + "xx").post("/api/v1/clues", json=payload).status_code == 401
    with hub.uow() as uow:
        revoke_key(uow.session, key.split("_")[1])
        uow.commit()
    response = agencies.client(key).post("/api/v1/clues", json=payload)
    assert response.status_code == 401
    assert "吊销" in response.json()["message"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_another_agencys_clue_is_not_found(agencies):
    _, court = agencies.add("十堰市中级人民法院", "court")
    _, other = agencies.add("十堰市人民检察院", "procuratorate")
    created = agencies.client(court).post("/api/v1/clues", json=factories.clue()).json()

    assert agencies.client(court).get(f"/api/v1/clues/{created['id']}").status_code == 200
    assert agencies.client(other).get(f"/api/v1/clues/{created['id']}").status_code == 404
    assert agencies.client(court).get("/api/v1/clues/XS-1999-000001").status_code == 404
    assert agencies.client(court).get("/api/v1/clues/not-a-number").status_code == 404


def test_body_over_one_mib_gets_413(agencies):
    _, key = agencies.add()
    payload = factories.clue(extra={"blob": "x" * (1024 * 1024)})
    response = agencies.client(key).post("/api/v1/clues", json=payload)
    assert response.status_code == 413
    assert "上限" in response.json()["message"]


def test_reporter_is_encrypted_at_rest_and_masked_in_every_answer(agencies, hub):
    _, key = agencies.add()
    payload = factories.clue()
    response = agencies.client(key).post("/api/v1/clues", json=payload)

    shown = response.json()["reporter"]
    assert shown == {"name": "张*", "phone": "138****5678",
                     "id_number": payload["reporter"]["id_number"][:6] + "********"
                     + payload["reporter"]["id_number"][-4:], "anonymous": False}
    with hub.uow(write=False) as uow:
        clue = uow.session.scalars(select(Clue)).one()
        raw = uow.session.scalars(select(RawRecord)).one()
    assert b"13812345678" not in clue.reporter_enc and b"13812345678" not in raw.body_enc
    plain = orjson.loads(hub.cipher.decrypt(
        clue.reporter_enc, f"reporter:{clue.agency_id}:{clue.source_ref}".encode()))
    assert plain["phone"] == "13812345678" and plain["name"] == "张三"


def test_full_width_codes_are_accepted_and_normalized(agencies):
    _, key = agencies.add()
    payload = factories.clue(region_code="４２０３２２")
    response = agencies.client(key).post("/api/v1/clues", json=payload)
    assert response.status_code == 201, response.text
    assert response.json()["region_code"] == "420322"


def test_revoked_key_stops_working_within_the_cache_time(hub, settings):
    import httpx

    from hub.agencies.service import add_agency, revoke_key
    from tests.support.live import LiveHub

    settings.api_key_cache_seconds = 0.5
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name="某单位", channel="court", region_code=None)
        uow.commit()
    headers = {"Authorization": f"Bearer {key}"}
    with LiveHub(hub, workers=0, with_scheduler=False) as live:
        assert httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(),
                          headers=headers).status_code == 201
        with hub.uow() as uow:  # as another process would: the server's cache is not told
            revoke_key(uow.session, key.split("_")[1])
            uow.commit()
        time.sleep(0.6)
        response = httpx.post(f"{live.url}/api/v1/clues", json=factories.clue(), headers=headers)
    assert response.status_code == 401
