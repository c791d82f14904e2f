"""回头看: closing schedules the follow-up check by rule (or on the office's date); on its
working day it is in the owner's list and the overview's count, the owner is told once; its
finding is recorded, a rebound reopens the matter with a new hand-off; the report counts them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from hub.calendar.service import load_calendar
from hub.db.models import Clue
from hub.followups import jobs, service
from hub.followups.models import FollowUp
from hub.notify.models import Notification
from hub.reports.figures import REGISTRY
from hub.reports.registry import Ctx, count
from hub.reports.scope import Scope
from hub.workdays import shanghai_today
from tests.handoffs.conftest import COMMISSION


def _closed_matter(desk, **close) -> tuple[str, str]:
    """A clue handed to the commission, replied 整改完成 and verified (which closes it)."""
    clue = desk.pending_clue()
    made = desk.decide(clue, "assign", COMMISSION)
    assert made.status_code == 201, made.text
    number = made.json()["decisions"][0]["handoffs"][0]
    assert desk.commission.post(f"/api/v1/handoffs/{number}/ack").status_code == 200
    replied = desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "已整改到位", "outcome": {"kind": "rectified"}})
    assert replied.status_code == 201, replied.text
    verified = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                json={"action": "verify", **close})
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "closed"
    return clue, number


def _followups(desk, view: str) -> dict:
    listed = desk.office.get("/api/v1/office/followups", params={"view": view})
    assert listed.status_code == 200, listed.text
    return listed.json()


def test_closing_schedules_by_rule_and_the_follow_up_is_due_on_its_day(desk):
    hub = desk.hub
    clue, number = _closed_matter(desk)
    today = shanghai_today()
    with hub.uow(write=False) as uow:
        expected = service.rule_date(load_calendar(uow.session), today, "assign", hub.settings)
    scheduled = _followups(desk, "scheduled")["followups"]
    assert [(f["clue"], f["handoff"], f["due_on"], f["rule"], f["owner"]) for f in scheduled] == [
        (clue, number, expected.isoformat(), "kind:assign", "李科长")]  # the desk works as its section head
    assert expected - today > timedelta(days=85)  # three months on, a working day
    with hub.uow(write=False) as uow:
        assert load_calendar(uow.session).is_workday(expected)
        assert service.count_due(uow.session, today) == 0
        assert service.count_due(uow.session, expected) == 1
    assert _followups(desk, "due")["followups"] == []

    # Months pass: the day comes (moved here, not waited for).
    with hub.uow() as uow:
        uow.session.execute(update(FollowUp).values(due_on=today))
        uow.commit()
    due = _followups(desk, "due")
    assert due["due"] == 1 and [f["clue"] for f in due["followups"]] == [clue]
    page = desk.office.get("/office/followups")
    assert page.status_code == 200 and clue in page.text and "已到期" in page.text
    assert jobs.notify_due(hub) == 1 and jobs.notify_due(hub) == 0  # the owner is told once
    with hub.uow(write=False) as uow:
        titles = list(uow.session.scalars(select(Notification.title)
                                          .where(Notification.kind == "followup")))
    assert len(titles) == 1 and titles[0].startswith("回头看到期")

    done = desk.office.post(f"/api/v1/office/followups/{due['followups'][0]['id']}/finding",
                            json={"finding": "consolidated", "note": "现场核查，整改成果巩固"})
    assert done.status_code == 200, done.text
    assert done.json()["finding_label"] == "整改巩固" and done.json()["new_handoff"] is None
    assert _followups(desk, "due")["due"] == 0


def test_a_rebound_reopens_the_matter_with_a_new_handoff_and_the_report_counts_it(desk):
    hub = desk.hub
    asked = shanghai_today() + timedelta(days=40)
    bad = desk.office.post("/api/v1/office/handoffs/JB-2026-999999/actions",
                           json={"action": "close", "followup_on": "2020-01-01"})
    assert bad.status_code in (404, 422)
    clue, number = _closed_matter(desk, followup_on=asked.isoformat())
    [scheduled] = _followups(desk, "scheduled")["followups"]
    assert scheduled["rule"] == "office" and scheduled["due_on"] >= asked.isoformat()

    empty = desk.office.post(f"/api/v1/office/followups/{scheduled['id']}/finding",
                             json={"finding": "rebound", "note": ""})
    assert empty.status_code == 422
    rebound = desk.office.post(f"/api/v1/office/followups/{scheduled['id']}/finding",
                               json={"finding": "rebound", "note": "群众再次反映罚款未退还"})
    assert rebound.status_code == 200, rebound.text
    new = rebound.json()["new_handoff"]
    assert new and new != number
    again = desk.office.post(f"/api/v1/office/followups/{scheduled['id']}/finding",
                             json={"finding": "consolidated", "note": "再次记录"})
    assert again.status_code == 409 and "已回头看" in again.json()["message"]

    # The receiver has the new hand-off in its inbox, with the finding as instructions.
    seen = desk.commission.get(f"/api/v1/handoffs/{new}")
    assert seen.status_code == 200 and "问题反弹" in seen.json()["instructions"]
    with hub.uow(write=False) as uow:
        status = uow.session.scalar(select(Clue.status).where(
            Clue.id == int(clue.rsplit("-", 1)[1])))
    assert status == "assigned"
    page = desk.office.get(f"/office/clues/{clue}")
    assert "线索重新打开" in page.text or "回头看" in page.text

    today = shanghai_today()
    with hub.uow(write=False) as uow:
        ctx = Ctx(uow.session, Scope(today.year, today.month, None,
                                     dialect=uow.session.get_bind().dialect.name),
                  load_calendar(uow.session))
        done = count(REGISTRY["followups_done"], ctx)
        rebounds = count(REGISTRY["followups_rebound"], ctx)
    assert done.by_group == {"rebound": 1.0} and done.labels == {"rebound": "问题反弹"}
    assert rebounds.total == 1.0

    # Closing the new hand-off schedules the next follow-up; the matter is filed again, so a
    # reopen by hand is refused and the follow-up stays: 回头看 is the way back in.
    desk.commission.post(f"/api/v1/handoffs/{new}/replies", json={
        "final": True, "text": "已退还罚款", "outcome": {"kind": "rectified"}})
    desk.office.post(f"/api/v1/office/handoffs/{new}/actions", json={"action": "verify"})
    assert len(_followups(desk, "scheduled")["followups"]) == 1
    reopen = desk.office.post(f"/api/v1/office/handoffs/{new}/actions",
                              json={"action": "reopen", "reason": "再核查", "complete_days": 5})
    assert reopen.status_code == 409 and "已立卷归档" in reopen.json()["message"]
    assert len(_followups(desk, "scheduled")["followups"]) == 1


def test_the_office_may_call_off_or_move_a_follow_up(desk):
    _closed_matter(desk, no_followup=True)
    assert _followups(desk, "all")["followups"] == []
    _closed_matter(desk)
    [f] = _followups(desk, "scheduled")["followups"]
    past = desk.office.post(f"/api/v1/office/followups/{f['id']}/schedule",
                            json={"due_on": date(2020, 1, 1).isoformat()})
    assert past.status_code == 422 and "应晚于今天" in past.text
    moved = desk.office.post(f"/api/v1/office/followups/{f['id']}/schedule",
                             json={"due_on": (shanghai_today() + timedelta(days=30)).isoformat()})
    assert moved.status_code == 200 and moved.json()["rule"] == "office"
    off = desk.office.post(f"/api/v1/office/followups/{f['id']}/schedule", json={"due_on": None})
    assert off.status_code == 200 and off.json()["state"] == "cancelled"
    auditor = desk.user("shen", "auditor")
    assert auditor.get("/api/v1/office/followups").status_code == 200
    refused = auditor.post(f"/api/v1/office/followups/{f['id']}/finding",
                           json={"finding": "consolidated", "note": "x"})
    assert refused.status_code == 403
