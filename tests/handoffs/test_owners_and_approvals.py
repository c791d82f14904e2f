"""Who works a clue, decisions a section head approves, and the owner told of a final reply,
on both backends (service and JSON API; the pages: tests/review/test_workbench_walk.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.accounts.models import OfficeUser
from hub.accounts.service import OfficePrincipal
from hub.db.models import Clue, ClueEvent
from hub.errors import Conflict, Forbidden, InvalidInput
from hub.notify.models import Notification
from hub.review import repository, service
from tests.handoffs.conftest import BUREAU, COMMISSION


def _principal(hub, username: str) -> OfficePrincipal:
    with hub.uow(write=False) as uow:
        user = uow.session.scalar(select(OfficeUser).where(OfficeUser.username == username))
        return OfficePrincipal(user.id, user.username, user.display_name, user.role, "", "")


def _id(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_a_reviewers_referral_waits_for_approval_then_is_decided_in_the_heads_name(desk):
    hub = desk.hub
    desk.user("zhang", "reviewer").close()
    zhang, li = _principal(hub, "zhang"), _principal(hub, "li")  # li: the section head
    clue = desk.pending_clue()
    with hub.uow() as uow:
        message = service.decide_or_propose(uow.session, zhang, [_id(clue)],
                                            service.DecisionRequest("refer", COMMISSION, "涉嫌违纪"),
                                            "api", cipher=hub.cipher, settings=hub.settings)
        uow.commit()
    assert message.startswith("已提交科长审批：移送")
    with hub.uow() as uow:
        (waiting,) = repository.pending_proposals(uow.session, [_id(clue)])
        assert uow.session.get(Clue, _id(clue)).status == "pending_review"
        with pytest.raises(Forbidden):
            service.approve(uow.session, zhang, waiting.id, "api")
        with pytest.raises(Conflict):  # one proposal at a time per clue
            service.propose(uow.session, zhang, [_id(clue)],
                            service.DecisionRequest("decline", reason="重复"), "api")
    with hub.uow() as uow:
        decision = service.approve(uow.session, li, waiting.id, "api", cipher=hub.cipher,
                                   settings=hub.settings)
        uow.commit()
    assert decision.kind == "refer" and decision.decided_by == li.user_id
    with hub.uow(write=False) as uow:
        assert uow.session.get(Clue, _id(clue)).status == "referred"
        actions = list(uow.session.scalars(select(ClueEvent.action).where(
            ClueEvent.clue_id == _id(clue)).order_by(ClueEvent.id)))
    assert actions[-4:-1] == ["decision.proposed", "decision.approved", "decision.refer"]


def test_a_sent_back_proposal_leaves_the_clue_pending_with_the_reason(desk):
    hub = desk.hub
    desk.user("zhang", "reviewer").close()
    zhang, li = _principal(hub, "zhang"), _principal(hub, "li")
    clue = desk.pending_clue()
    answer = desk.user("wu", "reviewer").post("/api/v1/office/decisions", json={
        "clues": [clue], "kind": "decline", "reason": "不属于督察范围"})
    assert answer.status_code == 202 and answer.json()["proposals"][0]["state"] == "pending"
    proposal_id = answer.json()["proposals"][0]["id"]
    with hub.uow() as uow, pytest.raises(InvalidInput):
        service.send_back(uow.session, li, proposal_id, " ", "api")
    with hub.uow() as uow:
        service.send_back(uow.session, li, proposal_id, "请先电话核实", "api")
        uow.commit()
    with hub.uow(write=False) as uow:
        assert uow.session.get(Clue, _id(clue)).status == "pending_review"
        wu = _principal(hub, "wu")
        assert [p.note for p in service.my_work(uow.session, wu).sent_back] == ["请先电话核实"]
    del zhang


def test_owners_my_work_and_the_final_reply_notice(desk):
    hub = desk.hub
    desk.user("zhang", "reviewer").close()
    zhang, li = _principal(hub, "zhang"), _principal(hub, "li")
    mine, other = desk.pending_clues(2)
    with hub.uow() as uow:
        with pytest.raises(Forbidden):  # a reviewer takes, never assigns to others
            service.assign_owner(uow.session, zhang, _id(mine), li.user_id, "api")
        assert service.assign_owner(uow.session, li, _id(mine), zhang.user_id, "api") == "zhang"
        service.add_note(uow.session, zhang, _id(mine), "已电话联系法院核实", "api")
        uow.commit()
    with hub.uow(write=False) as uow:
        work = service.my_work(uow.session, zhang)
        assert [c.id for c in work.clues] == [_id(mine)]
        notes = uow.session.scalars(select(ClueEvent.detail).where(
            ClueEvent.clue_id == _id(mine), ClueEvent.action == "note")).all()
        assert notes[0]["note"] == "已电话联系法院核实"
    made = desk.decide(mine, "assign", BUREAU)
    assert made.status_code == 201, made.text
    number = made.json()["decisions"][0]["handoffs"][0]
    assert desk.bureau.post(f"/api/v1/handoffs/{number}/ack").status_code == 200
    replied = desk.bureau.post(f"/api/v1/handoffs/{number}/replies",
                               json={"text": "已依法退还罚款", "final": True})
    assert replied.status_code in (200, 201), replied.text
    with hub.uow(write=False) as uow:
        told = uow.session.scalars(select(Notification).where(
            Notification.user_id == zhang.user_id, Notification.kind == "awaiting_verify")).all()
        assert len(told) == 1 and number in told[0].title
        assert [h.number for h in service.my_work(uow.session, zhang).verify] == [number]
    refused = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                               json={"action": "remind"})
    assert refused.status_code == 409 and "等待办公室验收" in refused.json()["message"]
    del other
