"""Reminders and escalation go out once each, to the agency and to the office (and by mail)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from hub.accounts.models import OfficeUser
from hub.agencies.service import add_agency
from hub.container import Hub
from hub.db.models import ClueEvent
from hub.db.types import utcnow
from hub.handoffs.models import HandoffEvent
from hub.notify import mail, office
from hub.notify.models import Notification, Reminder, WebhookDelivery
from hub.notify.reminders import run_reminders
from hub.notify.webhooks import fill_outbox, set_webhook
from tests.conftest import make_settings
from tests.notify.support import cli as _cli
from tests.notify.support import make_handoff
from tests.support.live import free_port


@pytest.fixture
def people(hub):
    """A reviewer who sends hand-offs, two section heads, and a receiving agency."""
    with hub.uow() as uow:
        # Accounts nobody logs in to here: no password hashing (argon2 is slow on purpose).
        li, *heads = [OfficeUser(username=u, display_name=n, role=r, password_hash="-")
                      for u, n, r in (("li", "李科员", "reviewer"), ("zhao", "赵科长", "section_head"),
                                      ("qian", "钱科长", "section_head"))]
        uow.session.add_all([li, *heads])
        uow.session.flush()
        bureau, key = add_agency(uow.session, name="郧西县自然资源和规划局", channel="other",
                                 region_code="420322")
        set_webhook(uow.session, bureau.id, "http://127.0.0.1:9/hook", utcnow())
        uow.commit()
        return {"li": li.id, "heads": [h.id for h in heads], "bureau": bureau.id, "key": key}


def _count(hub: Hub, model, *where) -> int:
    with hub.uow(write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def _notifications(hub: Hub, user_id: int) -> list[str]:
    with hub.uow(write=False) as uow:
        return [n.title for n in reversed(office.list_for(uow.session, user_id))]


def test_overdue_reply_is_reminded_each_working_day_and_escalated_once(hub, people):
    handoff = make_handoff(hub, people["bureau"], state="acknowledged",
                           reply_due_on=date(2026, 10, 13), created_by=people["li"])
    sent = []
    for day in ("2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16",
                "2026-10-17", "2026-10-19", "2026-10-20"):
        for _ in range(2):  # the job runs often: a day's reminders still go out once
            report = run_reminders(hub, date.fromisoformat(day), utcnow())
            sent += [(day, kind, days) for _, _, kind, days in report.sent]
    assert sent == [("2026-10-12", "before", 0), ("2026-10-14", "overdue", 1),
                    ("2026-10-15", "overdue", 2), ("2026-10-16", "overdue", 3),
                    ("2026-10-19", "overdue", 4), ("2026-10-19", "escalate", 4),
                    ("2026-10-20", "overdue", 5)]
    assert _count(hub, Reminder) == 7
    assert _count(hub, HandoffEvent, HandoffEvent.action == "remind") == 6
    assert _count(hub, HandoffEvent, HandoffEvent.action == "escalate") == 1
    # In the clue's history too, and the hand-off kept its state.
    assert _count(hub, ClueEvent, ClueEvent.action == "handoff.remind") == 6
    with hub.uow(write=False) as uow:
        events = list(uow.session.scalars(select(HandoffEvent).where(
            HandoffEvent.handoff_id == handoff, HandoffEvent.action == "escalate")))
    assert events[0].from_state == events[0].to_state == "acknowledged"
    assert events[0].actor == "system" and events[0].detail["overdue_days"] == 4

    # The reviewer who sent it hears of every reminder; both section heads of the escalation.
    titles = _notifications(hub, people["li"])
    assert len(titles) == 6 and titles[0].endswith("明日初步反馈到期")
    assert "初步反馈已逾期 4 个工作日" in titles[4]
    for head in people["heads"]:
        assert _notifications(hub, head) == [
            next(t for t in _notifications(hub, head) if t.startswith("督办："))]

    # The agency hears of it by webhook (reminders and the escalation).
    with hub.uow() as uow:
        fill_outbox(uow.session, utcnow())
        uow.commit()
        events = [d.event for d in uow.session.scalars(select(WebhookDelivery)
                                                       .order_by(WebhookDelivery.id))]
    assert events.count("handoff.reminder") == 6 and events.count("handoff.escalated") == 1


def test_agency_sees_the_reminders_in_its_inbox(hub, people, live):
    import httpx

    handoff = make_handoff(hub, people["bureau"], due_on=date(2026, 10, 13))
    run_reminders(hub, date(2026, 10, 14), utcnow())
    with hub.uow(write=False) as uow:
        from hub.handoffs.models import Handoff

        number = uow.session.get(Handoff, handoff).number
    answer = httpx.get(f"{live.url}/api/v1/handoffs/{number}",
                       headers={"Authorization": f"Bearer {people['key']}"})
    assert answer.status_code == 200, answer.text
    assert [(r["kind"], r["deadline"], r["overdue_days"]) for r in answer.json()["reminders"]] == [
        ("overdue", "complete", 1)]
    assert answer.json()["status"] == "sent"


def test_nothing_is_sent_for_handoffs_the_receiver_is_done_with(hub, people):
    for state, returned_by in (("replied", None), ("returned", "receiver"), ("closed", None)):
        make_handoff(hub, people["bureau"], state=state, returned_by=returned_by,
                     due_on=date(2026, 10, 13))
    back = make_handoff(hub, people["bureau"], state="returned", returned_by="office",
                        due_on=date(2026, 10, 13))
    report = run_reminders(hub, date(2026, 10, 14), utcnow())
    assert report.examined == 1 and len(report.sent) == 1
    with hub.uow(write=False) as uow:
        assert uow.session.scalar(select(Reminder.handoff_id)) == back


def test_two_runs_at_once_remind_once(hub, settings, people):
    for _ in range(10):
        make_handoff(hub, people["bureau"], due_on=date(2026, 10, 13))
    hubs = [hub, Hub.from_settings(settings), Hub.from_settings(settings)]
    try:
        threads = [threading.Thread(target=run_reminders, args=(h, date(2026, 10, 19), utcnow()))
                   for h in hubs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for other in hubs[1:]:
            other.close()
    assert _count(hub, Reminder) == 20  # overdue + escalation for each of the ten
    assert _count(hub, HandoffEvent, HandoffEvent.action.in_(["remind", "escalate"])) == 20


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                     policy=policy.default)))
        return "250 OK"


def test_section_heads_are_mailed_the_escalation_through_smtp(backend, tmp_path, people, hub):
    inbox = _Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    mailing = Hub.from_settings(make_settings(backend, tmp_path, smtp_host="127.0.0.1",
                                              smtp_port=port, smtp_from="hub@fzb.example.cn",
                                              public_url="https://hub.example.cn"))
    try:
        with hub.uow() as uow:
            office.set_email(uow.session, people["heads"][0], "zhao@fzb.example.cn")
            uow.commit()
        make_handoff(hub, people["bureau"], due_on=date(2026, 10, 13))
        run_reminders(mailing, date(2026, 10, 19), utcnow())
        assert mail.send_pending(mailing) == 1  # zhao's escalation; qian has no address
        assert mail.send_pending(mailing) == 0  # never twice
        deadline = time.monotonic() + 10
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        smtp.stop()
        mailing.close()
    ((to, message),) = inbox.messages
    assert to == ["zhao@fzb.example.cn"]
    assert message["Subject"].startswith("【十堰市委依法治市办】督办：JB-2026-")
    body = message.get_content()
    assert "已逾期 4 个工作日" in body and "https://hub.example.cn/office/handoffs/JB-2026-" in body
    assert _count(hub, Notification, Notification.emailed.is_(True)) == 1


def test_mail_waits_while_the_smtp_server_is_away(backend, tmp_path, people, hub):
    mailing = Hub.from_settings(make_settings(backend, tmp_path, smtp_host="127.0.0.1",
                                              smtp_port=free_port(), smtp_timeout_seconds=2.0))
    try:
        with hub.uow() as uow:
            office.set_email(uow.session, people["li"], "li@fzb.example.cn")
            uow.commit()
        make_handoff(hub, people["bureau"], due_on=date(2026, 10, 13), created_by=people["li"])
        run_reminders(mailing, date(2026, 10, 14), utcnow())
        assert mail.send_pending(mailing) == 0
    finally:
        mailing.close()
    assert _count(hub, Notification, Notification.emailed.is_(False)) == 1  # still to be mailed


def test_reminders_run_on_the_command_line_with_a_chosen_day(hub, settings, people):
    make_handoff(hub, people["bureau"], reply_due_on=date(2026, 10, 13), due_on=date(2026, 10, 27))
    out = _cli(settings, "reminders", "run", "--today", "2026-10-12")
    assert out.exit_code == 0, out.output
    assert "初步反馈  到期前提醒" in out.output
    assert "2026-10-12：检查 1 件移交，发出催办 1 次，督办 0 次" in out.output
    again = _cli(settings, "reminders", "run", "--today", "2026-10-12")
    assert "发出催办 0 次" in again.output
    bad = _cli(settings, "reminders", "run", "--today", "12/10/2026")
    assert bad.exit_code != 0 and "日期格式应为 YYYY-MM-DD" in bad.output
