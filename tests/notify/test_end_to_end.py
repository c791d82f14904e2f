"""The whole loop over real HTTP, with simulated agencies on the receiving end and a clock the
test controls: decided, delivered by webhook (or polled), acknowledged, replied (late),
reminded, escalated, verified, closed; a referral to the discipline commission with the
outcome case_opened and then sanction (persons: 2). Across New Year 2027 (with the
administrator's holiday) and National Day 2026."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import date

import httpx
import pytest
from sqlalchemy import select

from connectors._sim.agency import Behaviour, ReceivingAgency, Step, attach, behaviour_for
from hub.accounts.models import OfficeUser
from hub.accounts.service import add_user
from hub.calendar.service import load_calendar, set_day
from hub.collect.demo import serve_app
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.handoffs.models import Handoff
from hub.notify import office
from hub.notify.models import WebhookDelivery
from hub.notify.reminders import run_reminders
from hub.notify.webhooks import set_webhook
from tests.support import factories
from tests.support.live import free_port

PASSWORD = "correct-horse-9"
BUREAU = "郧西县自然资源和规划局"
COMMISSION = "十堰市纪委监委"
# The bureau rectifies, always 8 calendar days past its deadline.
LATE_BUREAU = Behaviour(steps=(Step("已成立整改专班，正在整改。"),
                               Step("已撤销违法处罚决定并退还罚没款。", kind="rectified",
                                    amount_yuan="12000.00", final=True)),
                        return_rate=0.0, late_rate=1.0, late_days=(8, 8))


def _wait(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def loop(hub, agencies, live):
    """The office (reviewer li, section head zhao), a court that sends clues, and two
    receiving agencies served on loopback: the bureau takes webhooks, the commission polls."""
    with hub.uow() as uow:
        add_user(uow.session, username="li", display_name="李科员", role="reviewer",
                 password=PASSWORD)
        uow.session.add(OfficeUser(username="zhao", display_name="赵科长", role="section_head",
                                   password_hash="-"))
        set_day(uow.session, date(2027, 1, 1), "holiday", note="元旦", by="user:admin")
        uow.commit()
    _, court = agencies.add("十堰市中级人民法院", "court")
    bureau_id, bureau_key = agencies.add(BUREAU, "other")
    _, commission_key = agencies.add(COMMISSION, "discipline")
    bureau = ReceivingAgency(BUREAU, live.url, bureau_key, LATE_BUREAU, seed=7)
    commission = ReceivingAgency(COMMISSION, live.url, commission_key, dataclasses.replace(
        behaviour_for("discipline"), return_rate=0.0, late_rate=0.0), seed=7, polls=True)
    app = __import__("fastapi").FastAPI()
    attach(app, bureau)
    port = free_port()
    server = serve_app("bureau", app, port)
    with hub.uow() as uow:
        set_webhook(uow.session, bureau_id, f"http://127.0.0.1:{port}/hub/webhook", utcnow())
        uow.commit()
    client = httpx.Client(base_url=live.url, timeout=30)
    opened = client.post("/api/v1/office/session", json={"username": "li", "password": PASSWORD})
    client.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
    yield {"hub": hub, "office": client, "court": agencies.client(court), "bureau": bureau,
           "commission": commission}
    client.close()
    bureau.close()
    commission.close()
    server.stop()


def _decide(loop, kind: str, target: str, **fields) -> str:
    sent = loop["court"].post("/api/v1/clues", json=factories.clue())
    number = sent.json()["id"]
    clue_id = int(number.split("-")[-1])

    def reviewable() -> bool:
        with loop["hub"].uow(write=False) as uow:
            return uow.session.get(Clue, clue_id).status == "pending_review"

    _wait(reviewable, "the clue to reach review")
    made = loop["office"].post("/api/v1/office/decisions", json={
        "clues": [number], "kind": kind, "target": target, **fields})
    if made.status_code == 202:  # a reviewer's referral: section head zhao approves it
        from hub.accounts.service import OfficePrincipal
        from hub.handoffs.repository import numbers_by_decision
        from hub.review import service

        with loop["hub"].uow() as uow:
            zhao = uow.session.scalar(select(OfficeUser).where(OfficeUser.username == "zhao"))
            head = OfficePrincipal(zhao.id, "zhao", zhao.display_name, zhao.role, "", "")
            decision = service.approve(uow.session, head, made.json()["proposals"][0]["id"],
                                       "api", cipher=loop["hub"].cipher,
                                       settings=loop["hub"].settings)
            uow.commit()
            return numbers_by_decision(uow.session, [decision.id])[decision.id][0]
    assert made.status_code == 201, made.text
    return made.json()["decisions"][0]["handoffs"][0]


def _remind(hub, day: str) -> list[tuple[str, int]]:
    return [(kind, days) for _, _, kind, days in run_reminders(hub, date.fromisoformat(day),
                                                              utcnow()).sent]


def _office_view(loop, number: str) -> dict:
    answer = loop["office"].get(f"/api/v1/office/handoffs/{number}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_assigned_clue_goes_round_the_loop_across_new_year_2027(loop):
    hub, bureau = loop["hub"], loop["bureau"]
    number = _decide(loop, "assign", BUREAU, instructions="请依法纠正并反馈整改情况",
                     reply_due_on="2026-12-30", due_on="2026-12-31")

    _wait(lambda: number in bureau.known, "the webhook to reach the bureau")
    assert bureau.stats.refused == 0 and bureau.known[number]["status"] == "sent"
    assert bureau.work(date(2026, 12, 2)) == [(number, "acknowledge")]
    assert bureau.work(date(2026, 12, 3)) == [(number, "reply_progress:-")]

    days = ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-04", "2027-01-05",
            "2027-01-06", "2027-01-07"]
    sent = {}
    for day in days:
        sent[day] = _remind(hub, day)
        assert bureau.work(date.fromisoformat(day)) == []  # late: nothing before 01-08
    assert sent == {
        "2026-12-29": [],  # the reply deadline stopped running with the progress reply
        "2026-12-30": [("before", 0)],  # the working day before completion is due
        "2026-12-31": [],
        "2027-01-01": [],  # 元旦, entered by the administrator: no reminder on a holiday
        "2027-01-04": [("overdue", 1)], "2027-01-05": [("overdue", 2)],
        "2027-01-06": [("overdue", 3)],
        "2027-01-07": [("overdue", 4), ("escalate", 4)],  # past 3 overdue days: 督办
    }
    assert bureau.work(date(2027, 1, 8)) == [(number, "reply_final:rectified")]
    assert _office_view(loop, number)["status"] == "replied"

    verified = loop["office"].post(f"/api/v1/office/handoffs/{number}/actions",
                                   json={"action": "verify"})
    assert verified.status_code == 200, verified.text
    view = _office_view(loop, number)
    assert view["status"] == "closed" and view["clue_status"] == "closed"
    assert [e["action"] for e in view["events"]] == [
        "create", "acknowledge", "reply_progress", "remind", "remind", "remind", "remind",
        "remind", "escalate", "reply_final", "verify", "close"]
    assert view["replies"][-1]["outcome"]["amount_yuan"] == "12000.00"

    # The bureau heard of every change it did not make itself, each signed and once.
    _wait(lambda: bureau.stats.webhooks == 9, "the webhooks of the reminders and the close")
    assert bureau.stats.refused == 0 and bureau.stats.duplicates == 0

    def all_delivered() -> bool:
        with hub.uow(write=False) as uow:
            return set(uow.session.scalars(select(WebhookDelivery.state))) == {"delivered"}

    _wait(all_delivered, "the dispatcher to record the last answers")
    with hub.uow(write=False) as uow:
        events = [d.event for d in uow.session.scalars(select(WebhookDelivery)
                                                       .order_by(WebhookDelivery.id))]
        zhao = uow.session.scalar(select(OfficeUser.id).where(OfficeUser.username == "zhao"))
        notes = [n.title for n in office.list_for(uow.session, zhao)]
    assert events.count("handoff.reminder") == 5 and events.count("handoff.escalated") == 1
    assert len(notes) == 1 and notes[0].startswith(f"督办：{number} 办结逾期 4 个工作日")
    # The agency's inbox lists the reminders too.
    inbox = bureau.client.get(f"/api/v1/handoffs/{number}").json()
    assert [r["kind"] for r in inbox["reminders"]] == ["before", "overdue", "overdue", "overdue",
                                                      "overdue", "escalate"]


def test_referral_to_the_discipline_commission_ends_in_sanctions_across_national_day(loop):
    hub, commission = loop["hub"], loop["commission"]
    number = _decide(loop, "refer", COMMISSION, instructions="请依纪依法处置")
    # The clock of this story: sent on 2026-09-30, deadlines as the hub counts them that day
    # (5 and 10 working days across National Day and the make-up Saturday 10-10).
    with hub.uow() as uow:
        calendar = load_calendar(uow.session)
        handoff = uow.session.scalar(select(Handoff).where(Handoff.number == number))
        handoff.reply_due_on = calendar.add_working_days(date(2026, 9, 30), 5)
        handoff.due_on = calendar.add_working_days(date(2026, 9, 30), 10)
        uow.commit()
    assert (handoff.reply_due_on, handoff.due_on) == (date(2026, 10, 13), date(2026, 10, 20))

    assert commission.poll() == 1
    assert commission.work(date(2026, 10, 8)) == [(number, "acknowledge")]
    assert commission.work(date(2026, 10, 9)) == [(number, "reply_progress:case_opened")]
    assert _remind(hub, "2026-10-12") == []  # the reply came in time; completion not yet near
    assert commission.work(date(2026, 10, 16)) == []
    assert _remind(hub, "2026-10-19") == [("before", 0)]
    assert commission.work(date(2026, 10, 19)) == [(number, "reply_final:sanction")]

    verified = loop["office"].post(f"/api/v1/office/handoffs/{number}/actions",
                                   json={"action": "verify"})
    assert verified.status_code == 200, verified.text
    view = _office_view(loop, number)
    assert view["status"] == "closed" and view["clue_status"] == "closed"
    assert [(r["final"], r["outcome"]["kind"], r["outcome"]["persons"])
            for r in view["replies"]] == [(False, "case_opened", None), (True, "sanction", 2)]
    assert commission.stats.webhooks == 0  # it polls; no webhook registered
