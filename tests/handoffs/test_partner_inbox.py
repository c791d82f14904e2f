"""A partner agency works its inbox of hand-offs over HTTP (SPEC §4)."""

from __future__ import annotations

import hashlib

from tests.handoffs.conftest import BUREAU, COMMISSION

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_agency_acknowledges_reports_progress_and_a_final_outcome(desk):
    number = desk.handoff("refer", COMMISSION, instructions="请依规依纪处理并反馈结果",
                          share_reporter=True)
    inbox = desk.commission.get("/api/v1/handoffs", params={"status": "sent"}).json()
    assert [h["id"] for h in inbox["handoffs"]] == [number]
    shown = desk.commission.get(f"/api/v1/handoffs/{number}").json()
    assert shown["status"] == "sent" and shown["kind"] == "refer"
    assert shown["instructions"] == "请依规依纪处理并反馈结果"
    assert shown["reporter"]["phone"] == "13812345678"  # handed over, to this receiver only
    assert shown["clue"]["title"] and "reporter" not in shown["clue"]
    assert shown["reply_due_on"] and shown["due_on"] and shown["reply_due_on"] < shown["due_on"]

    acked = desk.commission.post(f"/api/v1/handoffs/{number}/ack")
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    again = desk.commission.post(f"/api/v1/handoffs/{number}/ack")
    assert again.status_code == 409
    assert "已签收" in again.json()["message"]

    progress = desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "source_ref": "JW-R-1", "final": False, "text": "已立案审查",
        "outcome": {"kind": "case_opened"}})
    assert progress.status_code == 201, progress.text
    upload = desk.commission.post(f"/api/v1/handoffs/{number}/attachments",
                                  files={"file": ("../../处分决定.pdf", PDF, "application/pdf")})
    assert upload.status_code == 201, upload.text
    attachment = upload.json()
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert attachment["size"] == len(PDF) and attachment["filename"] == "处分决定.pdf"

    final = desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "source_ref": "JW-R-2", "final": True, "text": "给予两人政务处分",
        "outcome": {"kind": "sanction", "persons": 2}, "attachments": [attachment["id"]]})
    assert final.status_code == 201, final.text
    assert final.json()["outcome"]["persons"] == 2
    assert final.json()["attachments"][0]["sha256"] == attachment["sha256"]
    resent = desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "source_ref": "JW-R-2", "final": True, "text": "给予两人政务处分",
        "outcome": {"kind": "sanction", "persons": 2}})
    assert resent.status_code == 200 and resent.json()["id"] == final.json()["id"]

    shown = desk.commission.get(f"/api/v1/handoffs/{number}").json()
    assert shown["status"] == "replied"
    assert [r["outcome"]["kind"] for r in shown["replies"]] == ["case_opened", "sanction"]
    late = desk.commission.post(f"/api/v1/handoffs/{number}/replies",
                                json={"final": True, "text": "再补充"})
    assert late.status_code == 409 and "已反馈" in late.json()["message"]


def test_outcomes_need_their_persons_or_reason_in_plain_words(desk):
    number = desk.handoff()
    url = f"/api/v1/handoffs/{number}/replies"
    no_persons = desk.commission.post(url, json={"final": True, "text": "问责",
                                                 "outcome": {"kind": "accountability"}})
    assert no_persons.status_code == 422
    assert "涉及人数" in no_persons.json()["errors"][0]["msg"]
    no_reason = desk.commission.post(url, json={"final": True, "text": "无法整改",
                                                "outcome": {"kind": "cannot_rectify"}})
    assert no_reason.status_code == 422 and "理由" in no_reason.json()["errors"][0]["msg"]
    bad_kind = desk.commission.post(url, json={"final": True, "text": "x",
                                               "outcome": {"kind": "done"}})
    assert bad_kind.status_code == 422 and "outcome.kind" in bad_kind.json()["errors"][0]["msg"]
    no_text = desk.commission.post(url, json={"final": True})
    assert "内容" in no_text.json()["errors"][0]["msg"]


def test_attachments_of_the_wrong_type_or_too_large_are_refused(desk, hub):
    number = desk.handoff()
    url = f"/api/v1/handoffs/{number}/attachments"
    exe = desk.commission.post(url, files={"file": ("a.pdf", b"MZ\x90\x00\x03" + bytes(100),
                                                    "application/pdf")})
    assert exe.status_code == 415 and "不被接受" in exe.json()["message"]
    lying = desk.commission.post(url, files={"file": ("a.png", PDF, "image/png")})
    assert lying.status_code == 415
    hub.settings.handoff_attachment_max_bytes = 1000
    big = desk.commission.post(url, files={"file": ("big.txt", b"a" * 5000, "text/plain")})
    assert big.status_code == 413 and "上限" in big.json()["message"]
    text = desk.commission.post(url, files={"file": ("说明.txt", "整改说明".encode(), "text/plain")})
    assert text.status_code == 201 and text.json()["media_type"] == "text/plain"


def test_agency_returns_what_is_not_theirs_and_never_sees_others(desk):
    number = desk.handoff("transfer", BUREAU)
    assert desk.commission.get(f"/api/v1/handoffs/{number}").status_code == 404
    assert desk.commission.post(f"/api/v1/handoffs/{number}/ack").status_code == 404
    assert desk.commission.get("/api/v1/handoffs").json()["handoffs"] == []
    no_reason = desk.bureau.post(f"/api/v1/handoffs/{number}/return", json={"reason": ""})
    assert no_reason.status_code == 422 and "理由" in no_reason.json()["errors"][0]["msg"]
    back = desk.bureau.post(f"/api/v1/handoffs/{number}/return", json={"reason": "不属于本局职责"})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    ack = desk.bureau.post(f"/api/v1/handoffs/{number}/ack")
    assert ack.status_code == 409 and "已退回" in ack.json()["message"]


def test_inbox_pages_with_a_cursor_and_updated_since(desk):
    made = desk.office.post("/api/v1/office/decisions", json={
        "clues": desk.pending_clues(5), "kind": "assign", "target": COMMISSION})
    numbers = [d["handoffs"][0] for d in made.json()["decisions"]]
    seen, cursor = [], None
    while True:
        page = desk.commission.get("/api/v1/handoffs",
                                   params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        seen += [h["id"] for h in page.json()["handoffs"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == numbers
    since = desk.commission.post(f"/api/v1/handoffs/{numbers[3]}/ack").json()["updated_at"]
    desk.commission.post(f"/api/v1/handoffs/{numbers[1]}/ack")
    changed = desk.commission.get("/api/v1/handoffs", params={"updated_since": since}).json()
    assert [h["id"] for h in changed["handoffs"]] == [numbers[3], numbers[1]]
    bad = desk.commission.get("/api/v1/handoffs", params={"cursor": "garbage"})
    assert bad.status_code == 422 and "游标" in bad.json()["errors"][0]["msg"]
    bad_status = desk.commission.get("/api/v1/handoffs", params={"status": "lost"})
    assert bad_status.status_code == 422 and "状态" in bad_status.json()["errors"][0]["msg"]


def test_published_reply_schema_accepts_a_reply_and_refuses_unknown_fields():
    import json
    from pathlib import Path

    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "v1"
                         / "handoff-reply-submission.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate({"final": True, "text": "已整改", "outcome": {"kind": "sanction",
                                                                  "persons": 2}}, schema)
    try:
        jsonschema.validate({"final": True, "text": "x", "colour": "red"}, schema)
    except jsonschema.ValidationError as exc:
        assert "colour" in exc.message
    else:
        raise AssertionError("unknown field passed the published schema")
