"""Office integrations work clusters through the JSON API: the same operations as the page,
each kept in the clue's history with who, refused in plain Chinese when they cannot be done."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from hub.db.models import ClueEvent
from hub.intake.present import parse_clue_no
from tests.review.office import CASE, PASSWORD, add_users, send_clues


@pytest.fixture
def office(hub, agencies):
    add_users(hub)
    numbers = send_clues(hub, agencies)
    clients = []

    def session(username: str = "li") -> httpx.Client:
        client = httpx.Client(base_url=agencies.base_url, timeout=30)
        clients.append(client)
        answer = client.post("/api/v1/office/session",
                             json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client

    yield numbers, session
    for client in clients:
        client.close()


def _history(hub, number: str) -> list[tuple[str, str]]:
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(select(ClueEvent.action, ClueEvent.actor).where(
            ClueEvent.clue_id == parse_clue_no(number)[1]).order_by(ClueEvent.id))
        return [tuple(row) for row in rows]


def test_cluster_shows_the_other_channel_and_why(office):
    numbers, session = office
    client = session()
    cluster = client.get(f"/api/v1/office/clues/{numbers['court']}/cluster").json()["cluster"]
    assert cluster["channels"] == ["court", "hotline"]
    assert cluster["lead"] == numbers["court"]
    other = next(m for m in cluster["members"] if m["clue"] == numbers["hotline"])
    assert other["channel"] == "hotline" and other["lead"] is False
    assert f"案号相同：{CASE}" in other["link"]["shared"]
    assert other["link"]["score"] >= 0.9 and other["link"]["made_by"] == "系统自动关联"
    alone = client.get(f"/api/v1/office/clues/{numbers['petition']}/cluster").json()
    assert alone == {"cluster": None}

    queue = client.get("/api/v1/office/queue", params={"cluster": "multi"}).json()
    assert {c["id"] for c in queue["clues"]} == {numbers["court"], numbers["hotline"]}
    by_id = client.get("/api/v1/office/queue", params={"cluster": str(cluster["id"])}).json()
    assert {c["cluster_id"] for c in by_id["clues"]} == {cluster["id"]}
    assert client.get("/api/v1/office/queue", params={"cluster": "many"}).status_code == 422


def test_queue_filters_by_the_rule_that_proposed(office):
    numbers, session = office
    client = session()
    everyone = client.get("/api/v1/office/queue").json()["clues"]
    court = next(c for c in everyone if c["id"] == numbers["court"])
    assert court["rule_id"] == "revoked-act-inspect"
    by_rule = client.get("/api/v1/office/queue", params={"rule": "revoked-act-inspect"}).json()
    assert [c["id"] for c in by_rule["clues"]] == [numbers["court"]]
    unmatched = client.get("/api/v1/office/queue", params={"rule": "none"}).json()["clues"]
    assert unmatched and all(c["rule_id"] is None for c in unmatched)
    assert numbers["court"] not in {c["id"] for c in unmatched}
    both = client.get("/api/v1/office/queue",
                      params={"rule": "revoked-act-inspect", "cluster": "multi"}).json()
    assert [c["id"] for c in both["clues"]] == [numbers["court"]]


def test_merge_split_lead_and_detach_through_the_api(office, hub):
    numbers, session = office
    client = session()
    base = "/api/v1/office/clues"
    court_cluster = client.get(f"{base}/{numbers['court']}/cluster").json()["cluster"]["id"]

    merged = client.post(f"{base}/{numbers['petition']}/cluster/merge",
                         json={"into_clue": numbers["court"]})
    assert merged.status_code == 200, merged.text
    assert merged.json()["cluster"]["id"] == court_cluster
    assert len(merged.json()["cluster"]["members"]) == 3
    joined = client.post(f"{base}/{numbers['unknown']}/cluster/merge",
                         json={"into_cluster": court_cluster})
    assert len(joined.json()["cluster"]["members"]) == 4

    split = client.post(f"{base}/{numbers['court']}/cluster/split",
                        json={"clues": [numbers["petition"], numbers["unknown"]]})
    assert split.status_code == 200, split.text
    new_cluster = split.json()["cluster"]
    assert new_cluster["id"] != court_cluster
    assert {m["clue"] for m in new_cluster["members"]} == {numbers["petition"], numbers["unknown"]}

    led = client.post(f"{base}/{numbers['court']}/cluster/lead", json={"clue": numbers["hotline"]})
    assert led.json()["cluster"]["lead"] == numbers["hotline"]
    assert led.json()["cluster"]["lead_set_by"] == "user:li"

    back = client.post(f"{base}/{numbers['petition']}/cluster/merge",
                       json={"into_clue": numbers["hotline"]})
    assert back.json()["cluster"]["id"] == court_cluster  # the whole new cluster came along
    assert len(back.json()["cluster"]["members"]) == 4

    out = client.post(f"{base}/{numbers['unknown']}/cluster/detach", json={"reason": "另一问题"})
    assert out.status_code == 200 and out.json() == {"cluster": None}

    actions = _history(hub, numbers["petition"])
    assert ("cluster_attached", "user:li") in actions
    assert ("cluster_split", "user:li") in actions and ("cluster_merged", "user:li") in actions
    assert ("cluster_detached", "user:li") in _history(hub, numbers["unknown"])
    assert ("cluster_lead_set", "user:li") in _history(hub, numbers["hotline"])


def test_cluster_operations_are_refused_in_plain_words(office):
    numbers, session = office
    client = session()
    base = "/api/v1/office/clues"
    same = client.post(f"{base}/{numbers['court']}/cluster/merge",
                       json={"into_clue": numbers["hotline"]})
    assert same.status_code == 409 and "已在线索组" in same.json()["message"]
    nothing = client.post(f"{base}/{numbers['court']}/cluster/merge", json={})
    assert nothing.status_code == 422
    assert nothing.json()["errors"][0]["loc"] == ["into_cluster"]
    missing = client.post(f"{base}/{numbers['court']}/cluster/merge", json={"into_cluster": 999})
    assert missing.status_code == 404 and "线索组 999 不存在" in missing.json()["message"]
    unknown_clue = client.post(f"{base}/XS-2026-999999/cluster/detach", json={})
    assert unknown_clue.status_code == 404
    alone = client.post(f"{base}/{numbers['petition']}/cluster/detach", json={})
    assert alone.status_code == 409 and "不在任何线索组中" in alone.json()["message"]
    one = client.post(f"{base}/{numbers['court']}/cluster/split", json={"clues": [numbers["court"]]})
    assert one.status_code == 422

    del client.headers["X-CSRF-Token"]
    forged = client.post(f"{base}/{numbers['court']}/cluster/detach", json={})
    assert forged.status_code == 403
    auditor = session("audit")
    looked = auditor.get(f"{base}/{numbers['court']}/cluster")
    assert looked.status_code == 200
    refused = auditor.post(f"{base}/{numbers['court']}/cluster/detach", json={})
    assert refused.status_code == 403 and "只有科员、科长和领导" in refused.json()["message"]


def test_reviewer_picks_a_subject_through_the_api(office, hub):
    numbers, session = office
    client = session()
    found = client.get("/api/v1/office/directory/search", params={"q": "张湾区教育局"}).json()
    body = found["bodies"][0]
    assert body["name"] == "张湾区教育局"
    picked = client.post(f"/api/v1/office/clues/{numbers['unknown']}/subjects/0",
                         json={"body_id": body["id"]})
    assert picked.status_code == 200, picked.text
    assert picked.json()["subject"]["resolved_name"] == "张湾区教育局"
    assert picked.json()["subject"]["resolution"]["method"] == "manual"
    assert ("subject_set", "user:li") in _history(hub, numbers["unknown"])
    wrong = client.post(f"/api/v1/office/clues/{numbers['unknown']}/subjects/5",
                        json={"body_id": body["id"]})
    assert wrong.status_code == 404 and "没有第 6 个被反映单位" in wrong.json()["message"]
