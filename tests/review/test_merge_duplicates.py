"""A reviewer merges a duplicate into the clue it repeats, through the office API; deciding a
cluster's lead settles its still-pending duplicates with it. Both clues' histories say so,
and what cannot be merged is refused in plain Chinese naming the field."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from hub.accounts.service import add_user
from hub.audit.models import AuditEntry
from hub.db.models import Clue, ClueEvent
from hub.intake.present import parse_clue_no
from hub.review.models import ClueMerge
from tests.review.office import PASSWORD, add_users, send_clues


@pytest.fixture
def office(hub, agencies):
    add_users(hub)
    with hub.uow() as uow:
        add_user(uow.session, username="head", display_name="赵科长", role="section_head",
                 password=PASSWORD)
        uow.commit()
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


def _id(number: str) -> int:
    return parse_clue_no(number)[1]


def _status(hub, number: str) -> str:
    with hub.uow(write=False) as uow:
        return uow.session.get(Clue, _id(number)).status


def _events(hub, number: str) -> list[tuple[str, dict]]:
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(select(ClueEvent.action, ClueEvent.detail).where(
            ClueEvent.clue_id == _id(number)).order_by(ClueEvent.id))
        return [(action, detail or {}) for action, detail in rows]


def test_a_duplicate_merged_points_at_the_clue_it_repeats(office, hub):
    numbers, session = office
    client = session()
    made = client.post(f"/api/v1/office/clues/{numbers['hotline']}/merge",
                       json={"into": numbers["court"]})
    assert made.status_code == 201, made.text
    [decision] = made.json()["decisions"]
    assert decision["clue"] == numbers["hotline"] and decision["kind"] == "merge"
    assert decision["target"] == numbers["court"]

    assert _status(hub, numbers["hotline"]) == "merged"
    assert _status(hub, numbers["court"]) == "pending_review"  # the survivor still waits
    with hub.uow(write=False) as uow:
        merge = uow.session.get(ClueMerge, _id(numbers["hotline"]))
        assert merge.into_clue_id == _id(numbers["court"]) and merge.lead_decision_id is None
        audited = uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_kind == "clue",
            AuditEntry.target_id == str(_id(numbers["hotline"])))).all()
    assert "decision.merge" in audited
    assert ("decision.merge", numbers["court"]) in [
        (a, d.get("target")) for a, d in _events(hub, numbers["hotline"])]
    assert ("merge.absorbed", numbers["hotline"]) in [
        (a, d.get("merged")) for a, d in _events(hub, numbers["court"])]

    # The merged clue leaves the queue and is listed under its status.
    queue = client.get("/api/v1/office/queue").json()["clues"]
    assert numbers["hotline"] not in {c["id"] for c in queue}


def test_what_cannot_be_merged_is_refused_naming_the_field(office, hub):
    numbers, session = office
    client = session()
    url = f"/api/v1/office/clues/{numbers['petition']}/merge"

    itself = client.post(url, json={"into": numbers["petition"]})
    assert itself.status_code == 422
    assert itself.json()["errors"][0]["loc"][-1] == "into"
    assert "不能合并到它自己" in itself.text

    unknown = client.post(url, json={"into": "XS-2026-999999"})
    assert unknown.status_code == 422 and "没有找到线索 XS-2026-999999" in unknown.text
    assert unknown.json()["errors"][0]["loc"][-1] == "into"
    not_a_number = client.post(url, json={"into": "法院那条"})
    assert not_a_number.status_code == 422 and "不是线索编号" in not_a_number.text

    assert client.post(f"/api/v1/office/clues/{numbers['hotline']}/merge",
                       json={"into": numbers["court"]}).status_code == 201
    into_merged = client.post(url, json={"into": numbers["hotline"]})
    assert into_merged.status_code == 409
    assert "本身已合并到其他线索" in into_merged.text
    assert f"请改为并入 {numbers['court']}" in into_merged.text
    again = client.post(f"/api/v1/office/clues/{numbers['hotline']}/merge",
                        json={"into": numbers["petition"]})
    assert again.status_code == 409 and "不是待研判状态" in again.text

    # The decisions endpoint takes merge too; its target is the clue number.
    missing = client.post("/api/v1/office/decisions",
                          json={"clues": [numbers["petition"]], "kind": "merge"})
    assert missing.status_code == 422 and "合并必须填写要并入的线索编号" in missing.text
    by_decision = client.post("/api/v1/office/decisions", json={
        "clues": [numbers["petition"]], "kind": "merge", "target": numbers["court"]})
    assert by_decision.status_code == 201, by_decision.text
    assert _status(hub, numbers["petition"]) == "merged"
    assert _status(hub, numbers["unknown"]) == "pending_review"  # nothing else touched


def test_accepting_the_lead_settles_its_pending_duplicates(office, hub):
    numbers, session = office
    client = session()
    made = client.post("/api/v1/office/decisions", json={
        "clues": [numbers["court"]], "kind": "accept", "with_duplicates": True})
    assert made.status_code == 201, made.text
    kinds = [(d["clue"], d["kind"]) for d in made.json()["decisions"]]
    assert kinds == [(numbers["court"], "accept"), (numbers["hotline"], "merge")]
    assert _status(hub, numbers["court"]) == "accepted"
    assert _status(hub, numbers["hotline"]) == "merged"
    settled = [d for a, d in _events(hub, numbers["hotline"]) if a == "decision.merge"]
    assert settled[0]["lead_decision"] == "accept"
    assert f"随主线索 {numbers['court']} 的决定（受理）一并处理" in settled[0]["reason"]
    absorbed = [d for a, d in _events(hub, numbers["court"]) if a == "merge.absorbed"]
    assert absorbed[0]["merged"] == numbers["hotline"]
    assert absorbed[0]["lead_decision"] == "accept"
    with hub.uow(write=False) as uow:
        merge = uow.session.get(ClueMerge, _id(numbers["hotline"]))
        assert merge.lead_decision_id == made.json()["decisions"][0]["id"]
    # Alone, a clue has no duplicates to settle: the decision is its own.
    alone = client.post("/api/v1/office/decisions", json={
        "clues": [numbers["petition"]], "kind": "accept", "with_duplicates": True})
    assert [d["clue"] for d in alone.json()["decisions"]] == [numbers["petition"]]
    wrong = client.post("/api/v1/office/decisions", json={
        "clues": [numbers["unknown"]], "kind": "merge", "target": numbers["court"],
        "with_duplicates": True})
    assert wrong.status_code == 422 and "同时处理本组重复线索" in wrong.text


def test_a_declined_lead_waits_for_the_section_head_then_settles_its_duplicates(office, hub):
    numbers, session = office
    reviewer = session()
    proposed = reviewer.post("/api/v1/office/decisions", json={
        "clues": [numbers["court"]], "kind": "decline", "reason": "不属于督察范围",
        "with_duplicates": True})
    assert proposed.status_code == 202, proposed.text  # approval rules as they were
    assert _status(hub, numbers["hotline"]) == "pending_review"
    head = session("head")
    page = head.post(f"/office/approvals/{proposed.json()['proposals'][0]['id']}/approve",
                     data={"csrf": head.headers["X-CSRF-Token"]}, follow_redirects=False)
    assert page.status_code == 303 and "已批准" in httpx.URL(page.headers["location"]).params["message"]
    assert _status(hub, numbers["court"]) == "declined"
    assert _status(hub, numbers["hotline"]) == "merged"
    settled = [d for a, d in _events(hub, numbers["hotline"]) if a == "decision.merge"]
    assert settled[0]["lead_decision"] == "decline"


def test_merging_can_be_made_to_wait_for_a_section_head(office, hub, settings):
    numbers, session = office
    settings.decision_approval_kinds = ["refer", "decline", "merge"]
    answer = session().post(f"/api/v1/office/clues/{numbers['hotline']}/merge",
                            json={"into": numbers["court"]})
    # The live server reads the same settings object: the merge waits for approval.
    assert answer.status_code == 202, answer.text
    assert _status(hub, numbers["hotline"]) == "pending_review"
