"""`POST /api/v1/sources/{connector}/records`: a partner pushes its own native records."""

from __future__ import annotations

import copy

import httpx
import pytest

from connectors.registry import CONNECTORS
from hub.db.models import RawRecord
from tests.collect.collect_support import (
    cli,
    connector_key,
    count,
    dead_letters,
    pending_review,
    wait_for,
)

PATH = "/api/v1/sources/hotline/records"


def planted(kind: str, n: int = 1) -> list[dict]:
    """The first `n` hotline work orders the generator made of this kind."""
    rows = CONNECTORS["hotline"].generate_records(1, 120, with_truth=True)
    found = [record for record, truth in rows
             if truth.outcome == kind and truth.repeat_of is None and not truth.dirt]
    return copy.deepcopy(found[:n])


@pytest.fixture
def pusher(hub, agencies):
    agency_id, key = connector_key(hub, CONNECTORS["hotline"])
    return agency_id, agencies.client(key)


def test_pushed_records_are_answered_item_by_item(hub, pusher, settings):
    agency_id, client = pusher
    clue_a, clue_b = planted("clue", 2)
    not_clue = planted("not_clue")[0]
    malformed = {**planted("clue")[0], "来电时间": "2026年13月8日", "工单编号": "SY-BAD-1"}
    records = [clue_a, clue_a, not_clue, malformed, "不是对象", clue_b]

    response = client.post(PATH, json={"records": records})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(6))
    assert [r["status"] for r in results] == [201, 200, 204, 422, 422, 201]
    assert results[0]["clue"]["id"] == results[1]["clue"]["id"]
    assert results[0]["clue"]["source_ref"] == clue_a["工单编号"]
    assert clue_a["联系电话"] not in response.text  # the reporter's phone is masked
    bad = results[3]
    assert bad["errors"][0]["loc"] == ["record", "来电时间"]
    assert "来电时间" in bad["errors"][0]["msg"] and "2026年13月8日" in bad["errors"][0]["msg"]
    assert bad["dead_letter_id"] and results[4]["dead_letter_id"]
    assert "clue" not in results[2] and "errors" not in results[2]

    again = client.post(PATH, json={"records": records}).json()["results"]
    assert [r["status"] for r in again] == [200, 200, 204, 422, 422, 200]
    assert again[3]["dead_letter_id"] == bad["dead_letter_id"]  # not a second dead letter
    assert len(dead_letters(hub, "hotline")) == 2
    assert count(hub, RawRecord, RawRecord.origin == "push") == 12  # every record kept raw
    wait_for(lambda: pending_review(hub, agency_id) == 2, what="pushed clues reviewed")

    listing = cli(settings, "deadletters", "list", "--connector", "hotline").output
    assert "SY-BAD-1" in listing and "2026年13月8日" in listing and "push" in listing
    assert "共 2 条" in listing


def test_a_well_formed_resend_resolves_the_dead_letter_of_the_bad_one(hub, pusher):
    _, client = pusher
    good = planted("clue")[0]
    bad = {**good, "诉求内容": "  "}
    dead_id = client.post(PATH, json={"records": [bad]}).json()["results"][0]["dead_letter_id"]
    fixed = client.post(PATH, json={"records": [good]}).json()["results"][0]
    assert fixed["status"] == 201
    (dead,) = dead_letters(hub, "hotline")
    assert (dead.id, dead.state, dead.clue_id) == (dead_id, "resolved",
                                                   int(fixed["clue"]["id"].split("-")[-1]))


def test_another_agencys_key_is_refused(hub, agencies):
    connector_key(hub, CONNECTORS["hotline"])
    _, other_key = agencies.add("十堰市信访局", "petition")
    response = agencies.client(other_key).post(PATH, json={"records": planted("clue")})
    assert response.status_code == 403
    assert "十堰市信访局" in response.json()["message"] and "hotline" in response.json()["message"]
    assert count(hub, RawRecord) == 0


def test_unknown_connector_missing_key_bad_body_and_size(hub, pusher, live):
    _, client = pusher
    unknown = client.post("/api/v1/sources/fax/records", json={"records": []})
    assert unknown.status_code == 404 and "fax" in unknown.json()["message"]
    assert httpx.post(f"{live.url}{PATH}", json={"records": []}).status_code == 401

    assert client.post(PATH, json={"records": []}).json() == {"results": []}
    for body in ({"clues": []}, [1, 2], {"records": [{}] * 501}):
        response = client.post(PATH, json=body)
        assert response.status_code == 422 and response.json()["errors"][0]["msg"]
    assert client.post(PATH, content=b"{not json").status_code == 422
    assert count(hub, RawRecord, RawRecord.outcome == "rejected") == 4  # refused bodies kept

    huge = {"records": [{**planted("clue")[0], "诉求内容": "很长" * 300_000}]}
    response = client.post(PATH, json=huge)
    assert response.status_code == 413 and "KiB" in response.json()["message"]


def test_a_record_too_deep_or_repeating_a_key_is_dead_lettered_and_the_rest_go_on(hub, pusher,
                                                                                  settings):
    import orjson

    from hub.collect.deadletters import replay

    _, client = pusher
    clue_a, clue_b = planted("clue", 2)
    deep = b'{"\xe5\xb7\xa5\xe5\x8d\x95\xe7\xbc\x96\xe5\x8f\xb7": "SY-DEEP-1", "x": ' \
        + b"[" * 1100 + b"]" * 1100 + b"}"
    doubled = b'{"a": 1, "a": 2}'
    body = b'{"records": [' + b", ".join([orjson.dumps(clue_a), deep, doubled,
                                         orjson.dumps(clue_b)]) + b"]}"

    response = client.post(PATH, content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 422, 422, 201]
    assert results[1]["errors"][0]["loc"][:4] == ["body", "records", 1, "x"]
    assert "嵌套超过 64 层" in results[1]["errors"][0]["msg"]
    assert results[2]["errors"][0]["loc"] == ["body", "records", 2, "a"]
    letters = dead_letters(hub, "hotline")
    assert [d.id for d in letters] == [results[1]["dead_letter_id"], results[2]["dead_letter_id"]]
    assert "嵌套超过" in letters[0].reason and letters[0].field.startswith("x.0.0")
    listing = cli(settings, "deadletters", "list", "--connector", "hotline").output
    assert "嵌套超过" in listing and "重复" in listing and "共 2 条" in listing

    replayed = replay(hub, [d.id for d in letters])  # still refused, kept open, no crash
    assert [r.state for r in replayed] == ["open", "open"]
    assert "嵌套超过" in replayed[0].reason and "重复" in replayed[1].reason
