"""The office sees its notifications (the bell) and failed webhook deliveries, and retries
them, in a real browser (Debian chromium via Playwright)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from hub.accounts.service import add_user
from hub.agencies.service import add_agency
from hub.db.types import utcnow
from hub.notify.models import WebhookDelivery
from hub.notify.reminders import run_reminders
from hub.notify.webhooks import fill_outbox, set_webhook
from tests.notify.support import make_handoff
from tests.support.browser import browser_page, screenshot
from tests.support.live import LiveHub, free_port

PASSWORD = "correct-horse-9"


@pytest.fixture
def live(hub):
    """The pages without a scheduler: nothing retries the deliveries behind the test's back."""
    with LiveHub(hub, workers=0, with_scheduler=False) as server:
        yield server


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/office/notifications")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/notifications"))


def test_section_head_reads_the_escalation_and_retries_a_failed_push(hub, live):
    with hub.uow() as uow:
        head = add_user(uow.session, username="zhao", display_name="赵科长", role="section_head",
                        password=PASSWORD)
        bureau, _ = add_agency(uow.session, name="郧西县自然资源和规划局", channel="other",
                               region_code="420322")
        set_webhook(uow.session, bureau.id, f"http://127.0.0.1:{free_port()}/dead", utcnow())
        uow.commit()
    make_handoff(hub, bureau.id, due_on=date(2026, 10, 13), created_by=head.id)
    run_reminders(hub, date(2026, 10, 19), utcnow())  # overdue 4 days: reminder and 督办
    with hub.uow() as uow:  # the dead receiver has had its last attempt
        fill_outbox(uow.session, utcnow())
        uow.session.flush()
        uow.session.execute(WebhookDelivery.__table__.update().values(
            state="failed", attempts=8, last_error="ConnectError: connection refused"))
        uow.commit()

    with browser_page() as page:
        _login(page, live.url, "zhao")
        assert page.locator(".bell .count").inner_text() == "2"
        rows = page.locator("table.notifications tbody tr")
        assert rows.count() == 2
        assert "督办：" in rows.nth(0).inner_text() and "逾期 4 个工作日" in rows.nth(0).inner_text()
        screenshot(page, "notifications")
        rows.nth(0).get_by_role("button", name="标为已读").click()
        assert page.locator(".bell .count").inner_text() == "1"
        assert "已标记 1 条为已读" in page.get_by_role("status").inner_text()
        page.get_by_role("button", name="全部标为已读").click()
        assert page.locator(".bell .count").count() == 0

        rows.nth(0).get_by_role("link").click()  # the hand-off's page: its timeline
        timeline = page.locator("ol.timeline").inner_text()
        assert "办结期限 2026-10-13，已逾期 4 个工作日" in timeline and "督办" in timeline
        page.goto(f"{live.url}/office/webhooks")
        assert "推送失败的回调 共 3 条" in page.locator("h1").inner_text()
        first = page.locator("table.webhooks tbody tr").first
        assert "郧西县自然资源和规划局" in first.inner_text() and "无应答" in first.inner_text()
        screenshot(page, "webhooks_failed")
        first.get_by_role("button", name="重新推送").click()
        assert "已重新排队 1 条推送" in page.get_by_role("status").inner_text()
        assert "共 2 条" in page.locator("h1").inner_text()
        page.get_by_role("button", name="全部重新推送").click()
        assert "共 0 条" in page.locator("h1").inner_text()
    with hub.uow(write=False) as uow:
        assert set(uow.session.scalars(select(WebhookDelivery.state))) <= {"pending", "sending"}


def test_a_reviewer_may_not_see_the_failed_pushes(hub, live):
    import httpx

    with hub.uow() as uow:
        add_user(uow.session, username="li", display_name="李科员", role="reviewer",
                 password=PASSWORD)
        uow.commit()
    with httpx.Client(base_url=live.url) as client:
        opened = client.post("/api/v1/office/session", json={"username": "li",
                                                             "password": PASSWORD})
        assert opened.status_code == 200
        answer = client.get("/office/webhooks")
    assert answer.status_code == 403
    assert "只有管理员、科长和领导可以查看和重发推送" in answer.text
