"""Archived means read-only for the whole matter: once a closed matter is filed, every change
to the clue — a reopen by hand, a reply and its persons, an attachment, a decision, a note, the
owner, a subject, its cluster — is refused with a Chinese message (409 in the API, an error on
the page) and nothing is written; 回头看's rebound stays the way back in (test_archive.py)."""

from __future__ import annotations

from urllib.parse import unquote_plus

from sqlalchemy import func, select

from hub.db.models import ClueEvent
from hub.handoffs.models import HandoffAttachment, HandoffEvent, HandoffReply
from tests.handoffs.conftest import COMMISSION

PEOPLE = [{"name": "王建军", "post": "副局长", "rank": "section", "kind": "government_sanction",
           "measure": "demerit"}]


def _closed_matter(desk) -> tuple[str, str]:
    clue = desk.pending_clue()
    made = desk.decide(clue, "assign", COMMISSION)
    number = made.json()["decisions"][0]["handoffs"][0]
    assert desk.commission.post(f"/api/v1/handoffs/{number}/ack").status_code == 200
    replied = desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "已处理", "outcome": {"kind": "sanction", "people": PEOPLE}})
    assert replied.status_code == 201, replied.text
    verified = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                json={"action": "verify"})
    assert verified.json()["status"] == "closed", verified.text
    return clue, number


def _written(hub) -> tuple[int, int, int, int]:
    with hub.uow(write=False) as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(table))
                     for table in (ClueEvent, HandoffEvent, HandoffReply, HandoffAttachment))


def _refused(response, what: str) -> None:
    assert response.status_code == 409, response.text
    message = response.json()["message"]
    assert "已立卷归档" in message and what in message and "回头看" in message, message


def test_every_change_to_an_archived_matter_is_refused_in_the_api(desk):
    clue, number = _closed_matter(desk)
    before = _written(desk.hub)

    _refused(desk.office.post(f"/api/v1/office/handoffs/{number}/actions", json={
        "action": "reopen", "reason": "再核查", "complete_days": 5}), "重新打开移交")
    _refused(desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "补充反馈", "outcome": {"kind": "sanction", "people": PEOPLE}}),
        "登记反馈和处理人员")
    _refused(desk.office.post(f"/api/v1/office/handoffs/{number}/replies", json={
        "final": False, "text": "电话补充情况"}), "登记反馈")
    _refused(desk.commission.post(f"/api/v1/handoffs/{number}/attachments", files={
        "file": ("补充材料.txt", "补充的处分材料".encode(), "text/plain")}), "上传附件")
    _refused(desk.decide(clue, "assign", COMMISSION), "研判")
    _refused(desk.office.post(f"/api/v1/office/clues/{clue}/subjects/0", json={"body_id": 1}),
             "指定被反映单位")
    _refused(desk.office.post(f"/api/v1/office/clues/{clue}/cluster/detach", json={}),
             "调整线索组")
    assert _written(desk.hub) == before


def test_the_pages_refuse_in_chinese_and_write_nothing(desk):
    clue, number = _closed_matter(desk)
    before = _written(desk.hub)
    csrf = desk.office.headers["X-CSRF-Token"]
    forms = [(f"/office/clues/{clue}/notes", {"note": "补充一条备注"}, "写内部备注"),
             (f"/office/clues/{clue}/owner", {"owner": ""}, "更换承办人"),
             (f"/office/handoffs/{number}/action",
              {"action": "reopen", "reason": "再核查", "complete_days": "5"}, "重新打开移交"),
             (f"/office/handoffs/{number}/reply",
              {"text": "补充", "final": "true", "outcome": "sanction",
               "people": "王建军，副局长，科级，政务处分，记过"}, "登记反馈和处理人员")]
    for url, data, what in forms:
        sent = desk.office.post(url, data={"csrf": csrf, **data})
        assert sent.status_code == 303, (url, sent.text)
        error = unquote_plus(sent.headers["location"])
        assert "已立卷归档" in error and what in error, (url, error)
        shown = desk.office.get(sent.headers["location"])
        assert shown.status_code == 200 and "已立卷归档" in shown.text, url
    assert _written(desk.hub) == before
