"""Reporter identity is shown only to an approved requester, and every step is in the trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.accounts.service import principal
from hub.audit.models import AuditEntry
from hub.db.models import ClueEvent
from hub.db.types import utcnow
from hub.errors import Forbidden
from hub.intake.present import parse_clue_no
from hub.privacy import reveal
from tests.privacy.conftest import office_client


def _actions(hub, prefix: str) -> list[AuditEntry]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(AuditEntry).where(
            AuditEntry.action.startswith(prefix)).order_by(AuditEntry.seq)))


def test_request_approve_reveal_over_the_office_api(hub, office):
    number = office["first"]
    reviewer, reviewer_csrf = office_client(office["url"], "li")
    head, head_csrf = office_client(office["url"], "wang")
    leader, leader_csrf = office_client(office["url"], "zhao")

    refused = reviewer.post("/api/v1/office/reveals", json={"clue": number, "reason": "核实情况"},
                            headers={"X-CSRF-Token": reviewer_csrf})
    assert refused.status_code == 403 and "只有科长和领导" in refused.text
    no_reason = head.post("/api/v1/office/reveals", json={"clue": number, "reason": " "},
                          headers={"X-CSRF-Token": head_csrf})
    assert no_reason.status_code == 422 and "请写明查看反映人身份的理由" in no_reason.text

    asked = head.post("/api/v1/office/reveals", json={"clue": number, "reason": "需当面核实反映情况"},
                      headers={"X-CSRF-Token": head_csrf})
    assert asked.status_code == 201 and asked.json()["state"] == "pending"
    request_id = asked.json()["id"]
    early = head.post(f"/api/v1/office/clues/{number}/reporter", headers={"X-CSRF-Token": head_csrf})
    assert early.status_code == 403 and "须先提出申请并经领导批准" in early.text
    assert head.post(f"/api/v1/office/reveals/{request_id}/approve", json={},
                     headers={"X-CSRF-Token": head_csrf}).status_code == 403  # not a leader

    listed = leader.get("/api/v1/office/reveals").json()["requests"]
    assert [r["id"] for r in listed] == [request_id] and listed[0]["clue"] == number
    approved = leader.post(f"/api/v1/office/reveals/{request_id}/approve", json={"note": "同意"},
                           headers={"X-CSRF-Token": leader_csrf})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"

    for _ in range(2):
        shown = head.post(f"/api/v1/office/clues/{number}/reporter",
                          headers={"X-CSRF-Token": head_csrf})
        assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
        assert shown.json()["reporter"]["phone"] == "13812345678"
        assert shown.json()["reporter"]["name"] == "张三"
    # the leader who approved has not asked: still masked for them
    assert leader.post(f"/api/v1/office/clues/{number}/reporter",
                       headers={"X-CSRF-Token": leader_csrf}).status_code == 403
    # and the queue answers stay masked for everyone
    queue = reviewer.get("/api/v1/office/queue").json()["clues"]
    assert all("13812345678" not in str(c) for c in queue)

    trail = [e.action for e in _actions(hub, "reporter.")]
    assert trail == ["reporter.reveal_requested", "reporter.reveal_approved",
                     "reporter.revealed", "reporter.revealed"]
    clue_id = parse_clue_no(number)[1]
    with hub.uow(write=False) as uow:
        history = [e.action for e in uow.session.scalars(
            select(ClueEvent).where(ClueEvent.clue_id == clue_id).order_by(ClueEvent.id))]
    assert history.count("reporter.revealed") == 2 and "reporter.reveal_approved" in history
    for client in (reviewer, head, leader):
        client.close()


def test_a_leader_cannot_approve_their_own_request_and_refusal_reveals_nothing(hub, office):
    number = office["second"]
    zhao, zhao_csrf = office_client(office["url"], "zhao")
    qian, qian_csrf = office_client(office["url"], "qian")
    asked = zhao.post("/api/v1/office/reveals", json={"clue": number, "reason": "约谈反映人"},
                      headers={"X-CSRF-Token": zhao_csrf}).json()
    own = zhao.post(f"/api/v1/office/reveals/{asked['id']}/approve", json={},
                    headers={"X-CSRF-Token": zhao_csrf})
    assert own.status_code == 403 and "不能审批自己提出的申请" in own.text
    refused = qian.post(f"/api/v1/office/reveals/{asked['id']}/refuse", json={"note": "理由不足"},
                        headers={"X-CSRF-Token": qian_csrf})
    assert refused.json()["state"] == "refused"
    again = qian.post(f"/api/v1/office/reveals/{asked['id']}/approve", json={},
                      headers={"X-CSRF-Token": qian_csrf})
    assert again.status_code == 409
    assert zhao.post(f"/api/v1/office/clues/{number}/reporter",
                     headers={"X-CSRF-Token": zhao_csrf}).status_code == 403
    assert [e.action for e in _actions(hub, "reporter.")][-1] == "reporter.reveal_refused"
    zhao.close()
    qian.close()


def test_an_approval_lapses_after_its_validity(hub, office):
    head, head_csrf = office_client(office["url"], "wang")
    leader, leader_csrf = office_client(office["url"], "zhao")
    asked = head.post("/api/v1/office/reveals", json={"clue": office["first"], "reason": "核实"
                                                      "反映情况"},
                      headers={"X-CSRF-Token": head_csrf}).json()
    leader.post(f"/api/v1/office/reveals/{asked['id']}/approve", json={},
                headers={"X-CSRF-Token": leader_csrf})
    with hub.uow() as uow:
        me = principal(uow.session, head.cookies.get("hub_session"), utcnow())
        later = utcnow() + timedelta(hours=hub.settings.reveal_valid_hours, minutes=1)
        with pytest.raises(Forbidden):
            reveal.reveal(uow.session, hub.cipher, me, parse_clue_no(office["first"])[1],
                          reveal.Where("api"), later)
    head.close()
    leader.close()
