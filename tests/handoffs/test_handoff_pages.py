"""A reviewer follows hand-offs in a real browser: the list (overdue first), one hand-off's
page with its replies and timeline, and the verify action."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hub.calendar.service import load_calendar
from hub.db.models import Clue
from hub.handoffs.receivers import resolve_receiver
from hub.handoffs.service import create_handoffs
from tests.handoffs.conftest import BUREAU, COMMISSION, PASSWORD
from tests.support.browser import browser_page, screenshot


def _overdue_handoff(desk) -> str:
    clue_id = int(desk.pending_clue(title="张湾区市场监管局逾期未整改").split("-")[-1])
    with desk.hub.uow() as uow:
        made = create_handoffs(uow.session, clue=uow.session.get(Clue, clue_id), kind="assign",
                               receivers=[resolve_receiver(uow.session, BUREAU)],
                               calendar=load_calendar(uow.session), actor="system",
                               via="system", now=datetime(2026, 9, 30, 2, tzinfo=UTC),
                               reply_days=5, complete_days=10)
        uow.commit()
        return made[0].number


def _login(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(next_path)))


def test_reviewer_sees_overdue_first_and_verifies_a_final_reply(desk):
    replied = desk.handoff("refer", COMMISSION)
    late = _overdue_handoff(desk)
    desk.commission.post(f"/api/v1/handoffs/{replied}/attachments",
                         files={"file": ("处分决定.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    attachment = desk.commission.get(f"/api/v1/handoffs/{replied}").json()
    assert attachment["status"] == "sent"
    desk.commission.post(f"/api/v1/handoffs/{replied}/replies", json={
        "final": True, "text": "经审查，给予两名责任人政务处分",
        "outcome": {"kind": "sanction", "persons": 2}, "attachments": [1]})
    with browser_page() as page:
        _login(page, desk.url, "li", "/office/handoffs")
        rows = page.locator("table.handoffs tbody tr")
        assert rows.count() == 2
        assert late in rows.first.inner_text() and "逾期" in rows.first.inner_text()
        assert "个工作日" in rows.first.inner_text()
        screenshot(page, "handoffs")

        page.get_by_role("link", name=replied).click()
        assert "党纪政务处分" in page.content() and "涉及 2 人" in page.content()
        assert "处分决定.pdf" in page.content()
        assert "验收通过即销号" in page.content()
        page.get_by_role("button", name="验收").click()
        assert "已验收" in page.get_by_role("status").inner_text()
        assert "已办结" in page.locator(".badge.status").inner_text()
        timeline = page.locator(".timeline").inner_text()
        assert "验收" in timeline and "销号" in timeline and "页面" in timeline
        screenshot(page, "handoff")
        with page.expect_download() as download:
            page.get_by_role("link", name="处分决定.pdf").click()
        assert download.value.suggested_filename == "处分决定.pdf"

        page.get_by_role("link", name=re.compile(r"查看线索 XS-")).click()
        assert "办结" in page.locator(".badge.status").inner_text()
        assert replied in page.locator(".handoff-links").inner_text()


def test_administrator_enters_a_holiday_on_the_calendar_page(desk):
    admin = desk.user("wang", "admin")
    page = admin.get("/office/calendar", params={"month": "2027-01"})
    assert "2027 年的法定节假日尚未录入" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    entered = admin.post("/office/calendar/days", data={
        "csrf": csrf, "day": "2027-01-01", "kind": "holiday", "note": "元旦"},
        follow_redirects=True)
    assert "已录入 2027-01-01" in entered.text and "元旦（录入）" in entered.text
    refused = desk.office.post("/office/calendar/days", data={
        "csrf": desk.office.headers["X-CSRF-Token"], "day": "2027-01-04", "kind": "holiday"},
        follow_redirects=True)
    assert "只有管理员可以调整工作日历" in refused.text  # a reviewer's own token, wrong role
    done = admin.post("/office/calendar/days", data={"csrf": csrf, "day": "2027-01-01",
                                                     "op": "year"}, follow_redirects=True)
    assert "已将 2027 年标记为节假日已录入" in done.text
    assert "尚未录入" not in done.text  # the warning is gone
    admin.close()
    with desk.hub.uow(write=False) as uow:
        assert not load_calendar(uow.session).is_workday(date(2027, 1, 1))
