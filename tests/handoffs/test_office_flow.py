"""The office decides, the receiver replies, the office verifies: the clue is closed (办结)
and filed, read-only (a follow-up check's rebound, 回头看, opens it again). Over HTTP, as the
office and agencies use it."""

from __future__ import annotations

from tests.handoffs.conftest import BUREAU, COMMISSION


def test_decision_hands_off_verify_closes_the_clue_and_a_reopen_by_hand_is_refused(desk):
    clue = desk.pending_clue()
    made = desk.decide(clue, "assign", BUREAU, co_handlers=[COMMISSION],
                       instructions="请于期限内整改并反馈")
    assert made.status_code == 201, made.text
    lead, co = made.json()["decisions"][0]["handoffs"]
    listed = desk.office.get("/api/v1/office/handoffs").json()["handoffs"]
    assert {h["id"] for h in listed} == {lead, co}
    co_seen = desk.commission.get(f"/api/v1/handoffs/{co}").json()
    assert co_seen["role"] == "co" and co_seen["lead"] == lead

    desk.bureau.post(f"/api/v1/handoffs/{lead}/ack")
    desk.bureau.post(f"/api/v1/handoffs/{lead}/replies", json={
        "final": True, "text": "已撤销处罚决定并退还罚款", "outcome": {"kind": "rectified",
                                                               "amount_yuan": "20000.00"}})
    desk.commission.post(f"/api/v1/handoffs/{co}/replies", json={
        "final": True, "text": "已督促整改", "outcome": {"kind": "resolved"}})
    early = desk.office.post(f"/api/v1/office/handoffs/{lead}/actions", json={"action": "reopen",
                                                                               "reason": "x",
                                                                               "complete_days": 5})
    assert early.status_code == 409 and "已反馈" in early.json()["message"]

    verified = desk.office.post(f"/api/v1/office/handoffs/{lead}/actions", json={"action": "verify"})
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "closed"  # rectified: verified closes it at once
    clue_status = _clue_status(desk, clue)
    assert clue_status == "assigned"  # the co-handler is still open
    desk.office.post(f"/api/v1/office/handoffs/{co}/actions", json={"action": "verify"})
    assert _clue_status(desk, clue) == "closed"
    page = desk.office.get(f"/office/clues/{clue}")
    assert "办结" in page.text and lead in page.text and "线索办结" in page.text

    # The closed matter is filed (立卷归档) and read-only: a reopen by hand is refused; the way
    # back in is a follow-up check's rebound (tests/followups, tests/archive).
    reopened = desk.office.post(f"/api/v1/office/handoffs/{lead}/actions", json={
        "action": "reopen", "reason": "回头看发现罚款未退还", "complete_days": 5})
    assert reopened.status_code == 409 and "已立卷归档" in reopened.json()["message"]
    assert _clue_status(desk, clue) == "closed"
    detail = desk.office.get(f"/api/v1/office/handoffs/{lead}").json()
    actions = [(e["action"], e["via"]) for e in detail["events"]]
    assert actions == [("create", "api"), ("acknowledge", "api"), ("reply_final", "api"),
                       ("verify", "api"), ("close", "api")]
    assert detail["replies"][0]["outcome"]["amount_yuan"] == "20000.00"


def test_send_back_remind_cancel_and_who_may_act(desk):
    number = desk.handoff("assign", BUREAU)
    remind = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                              json={"action": "remind", "reason": "请抓紧办理"})
    assert remind.status_code == 200 and remind.json()["status"] == "sent"
    desk.bureau.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "部分整改", "outcome": {"kind": "partially_rectified"}})
    no_deadline = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                   json={"action": "send_back", "reason": "整改不到位"})
    assert no_deadline.status_code == 422 and "期限" in no_deadline.json()["errors"][0]["msg"]
    back = desk.office.post(f"/api/v1/office/handoffs/{number}/actions", json={
        "action": "send_back", "reason": "整改不到位", "complete_days": 5})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    shown = desk.bureau.get(f"/api/v1/handoffs/{number}").json()
    assert shown["status"] == "returned" and shown["due_on"] == back.json()["due_on"]
    again = desk.bureau.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "已全部整改", "outcome": {"kind": "rectified"}})
    assert again.status_code == 201
    auditor_like = desk.user("wang", "admin")  # an administrator: not a reviewer
    refused = auditor_like.post(f"/api/v1/office/handoffs/{number}/actions",
                                json={"action": "verify"})
    assert refused.status_code == 403
    auditor_like.close()
    no_reason = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                 json={"action": "cancel"})
    assert no_reason.status_code == 422
    cancelled = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                 json={"action": "cancel", "reason": "已并入其他线索办理"})
    assert cancelled.json()["status"] == "cancelled"
    events = [e["action"] for e in desk.office.get(f"/api/v1/office/handoffs/{number}")
              .json()["events"]]
    assert events == ["create", "remind", "reply_final", "send_back", "reply_final", "cancel"]


def test_a_target_that_matches_nothing_is_a_plain_422_and_bulk_decisions_hand_off_each(desk):
    clue = desk.pending_clue()
    wrong = desk.decide(clue, "refer", "火星市纪委")
    assert wrong.status_code == 422
    assert "火星市纪委" in wrong.json()["errors"][0]["msg"]
    assert wrong.json()["errors"][0]["loc"] == ["target"]
    assert _clue_status(desk, clue) == "pending_review"  # nothing half-done
    others = desk.pending_clues(2)
    bulk = desk.office.post("/api/v1/office/decisions", json={
        "clues": [clue, *others], "kind": "cc", "target": COMMISSION})
    assert bulk.status_code == 201, bulk.text
    numbers = [n for d in bulk.json()["decisions"] for n in d["handoffs"]]
    assert len(numbers) == 3
    acked = desk.commission.post(f"/api/v1/handoffs/{numbers[0]}/ack").json()
    assert acked["status"] == "closed"  # a cc is done once acknowledged
    assert _clue_status(desk, clue) == "closed"
    accepted = desk.office.post("/api/v1/office/decisions", json={
        "clues": [desk.pending_clue()], "kind": "accept"})
    assert accepted.status_code == 201 and accepted.json()["decisions"][0]["handoffs"] == []


def _clue_status(desk, clue: str) -> str:
    from sqlalchemy import select

    from hub.db.models import Clue

    with desk.hub.uow(write=False) as uow:
        return uow.session.scalar(select(Clue.status).where(Clue.id == int(clue.split("-")[-1])))


def test_returned_as_not_theirs_the_office_redirects_and_records_replies_on_behalf(desk):
    from hub.db.types import utcnow
    from hub.directory.service import ensure_seeded

    with desk.hub.uow() as uow:
        ensure_seeded(uow.session, now=utcnow())
        uow.commit()
    number = desk.handoff("transfer", COMMISSION, instructions="请核实")
    desk.commission.post(f"/api/v1/handoffs/{number}/return", json={"reason": "属于自然资源部门职责"})
    nowhere = desk.office.post(f"/api/v1/office/handoffs/{number}/actions", json={
        "action": "redirect", "reason": "按职责改送", "target": "不存在的局"})
    assert nowhere.status_code == 422 and "不存在的局" in nowhere.json()["errors"][0]["msg"]
    moved = desk.office.post(f"/api/v1/office/handoffs/{number}/actions", json={
        "action": "redirect", "reason": "按职责改送", "target": "郧西县住房和城乡建设局"})
    assert moved.status_code == 200, moved.text
    new = moved.json()
    assert new["id"] != number and new["receiver"] == "郧西县住房和城乡建设局"
    assert new["status"] == "sent" and new["instructions"] == "请核实" and new["due_on"]
    old = desk.office.get(f"/api/v1/office/handoffs/{number}").json()
    assert old["status"] == "cancelled" and "改送郧西县住房和城乡建设局" in \
        old["events"][-1]["detail"]["reason"]

    # The housing bureau is a body of the directory without an inbox: the office records for it.
    acked = desk.office.post(f"/api/v1/office/handoffs/{new['id']}/actions",
                             json={"action": "acknowledge"})
    assert acked.json()["status"] == "acknowledged"
    replied = desk.office.post(f"/api/v1/office/handoffs/{new['id']}/replies", json={
        "final": True, "text": "来函称已整改", "outcome": {"kind": "rectified"}})
    assert replied.status_code == 201, replied.text
    shown = desk.office.get(f"/api/v1/office/handoffs/{new['id']}").json()
    assert shown["status"] == "replied"
    assert shown["events"][-1]["actor"] == "user:li" and shown["events"][-1]["via"] == "api"
