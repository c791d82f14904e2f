"""An office reviewer works the queue in a real browser (Debian chromium via Playwright)."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from sqlalchemy import func, select

from hub.accounts.service import add_user
from hub.db.models import Clue
from tests.support import factories
from tests.support.browser import browser_page, screenshot

PASSWORD = "correct-horse-9"


@pytest.fixture
def office(hub, agencies):
    """A reviewer, and clues from a court and the 12345 hotline waiting for review."""
    with hub.uow() as uow:
        add_user(uow.session, username="li", display_name="李科员", role="reviewer",
                 password=PASSWORD)
        add_user(uow.session, username="audit", display_name="审计员", role="auditor",
                 password=PASSWORD)
        uow.commit()
    _, court = agencies.add("十堰市中级人民法院", "court")
    _, hotline = agencies.add("十堰市12345热线", "hotline")
    agencies.client(court).post("/api/v1/clues/batch", json={"clues": [
        factories.clue(), factories.clue(urgency="urgent", title="郧西县交通运输局未履行生效判决")]})
    agencies.client(hotline).post("/api/v1/clues/batch", json={"clues": [
        factories.clue(channel="hotline", title="竹山县城管执法人员按指标罚款",
                       content="来电人反映竹山县城管执法人员每月有罚款指标，对摊贩一律罚款。",
                       subjects=[{"name": "竹山县城市管理执法局"}], references=[]),
        factories.clue(channel="hotline", title="张湾区市场监管局重复检查企业",
                       content="企业反映张湾区市场监督管理局一个月内上门检查四次。",
                       subjects=[], references=[])]})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with hub.uow(write=False) as uow:
            n = uow.session.scalar(select(func.count()).select_from(Clue)
                                   .where(Clue.status == "pending_review"))
        if n == 4:
            break
        time.sleep(0.1)
    return agencies.base_url


def login(page, base: str, username: str = "li") -> None:
    page.goto(f"{base}/office/queue")
    assert "/office/login" in page.url  # not logged in: sent to the login page
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/queue"))


def test_reviewer_filters_opens_and_decides(office):
    with browser_page() as page:
        login(page, office)
        assert "待研判 4 条" in page.locator("h1").inner_text()
        screenshot(page, "queue")

        page.get_by_label("渠道").select_option("hotline")
        page.get_by_role("button", name="筛选").click()
        assert "待研判 2 条" in page.locator("h1").inner_text()
        rows = page.locator("table.queue tbody tr")
        assert rows.count() == 2
        assert "12345热线" in rows.first.inner_text()

        page.get_by_role("link", name=re.compile(r"XS-\d{4}-\d+")).first.click()
        assert "竹山县城管执法人员按指标罚款" in page.content() or "张湾区" in page.content()
        assert "138****5678" in page.content() and "13812345678" not in page.content()
        assert "处置建议" in page.content() and "规则集第 1 版" in page.content()
        screenshot(page, "clue")

        page.get_by_label("决定").select_option("decline")
        page.get_by_role("button", name="提交决定").click()
        assert "不予受理必须填写理由" in page.get_by_role("alert").inner_text()

        page.get_by_label("决定").select_option("decline")
        page.get_by_label("理由或意见").fill("属于消费纠纷，不属于法治督察范围")
        page.get_by_role("button", name="提交决定").click()
        # A reviewer's decline waits for a section head's approval (SPEC §3)
        assert "已提交科长审批：不予受理" in page.get_by_role("status").first.inner_text()
        assert "待研判" in page.locator(".badge.status").inner_text()
        assert "待科长审批：不予受理" in page.locator(".proposal.waiting").inner_text()
        assert "属于消费纠纷" in page.locator(".history").inner_text()


def test_bulk_decision_on_a_selection(office, hub):
    with browser_page() as page:
        login(page, office)
        page.get_by_label("排序").select_option("urgent")
        page.get_by_role("button", name="筛选").click()
        first = page.locator("table.queue tbody tr").first
        assert "紧急" in first.inner_text()
        boxes = page.locator("input[name=clue]")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.locator("fieldset.decide").get_by_label("决定").select_option("accept")
        page.get_by_role("button", name="批量决定").click()
        assert "已对 2 条线索作出决定：受理" in page.get_by_role("status").inner_text()
        assert "待研判 2 条" in page.locator("h1").inner_text()
    with hub.uow(write=False) as uow:
        statuses = sorted(uow.session.scalars(select(Clue.status)).all())
    assert statuses == ["accepted", "accepted", "pending_review", "pending_review"]


def test_auditor_may_look_but_not_decide(office):
    with browser_page() as page:
        login(page, office, "audit")
        page.get_by_role("link", name=re.compile(r"XS-\d{4}-\d+")).first.click()
        assert page.get_by_role("button", name="提交决定").count() == 0


def test_forms_need_their_csrf_token_and_logout_everywhere_ends_sessions(office):
    with httpx.Client(base_url=office, follow_redirects=False) as client:
        login_page = client.get("/office/login")
        token = re.search(r'name="csrf" value="([^"]+)"', login_page.text).group(1)
        done = client.post("/office/login", data={"username": "li", "password": PASSWORD,
                                                  "csrf": token, "next": "/office/queue"})
        assert done.status_code == 303
        cookie = done.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        queue = client.get("/office/queue")
        assert queue.status_code == 200
        assert queue.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in queue.headers["content-security-policy"]
        clue_id = re.search(r'name="clue" value="(\d+)"', queue.text).group(1)

        forged = client.post("/office/queue/decide", data={"clue": clue_id, "kind": "accept",
                                                           "csrf": "forged"})
        assert forged.status_code == 403
        csrf = re.search(r'name="csrf" value="([^"]+)"', queue.text).group(1)
        out = client.post("/office/logout", data={"csrf": csrf, "everywhere": "true"})
        assert out.status_code == 303
        client.cookies.set("hub_session", cookie.split(";")[0].split("=", 1)[1])
        assert client.get("/office/queue").status_code == 303  # the old cookie is dead


def test_wrong_password_is_refused_in_plain_words(office):
    with browser_page() as page:
        page.goto(f"{office}/office/login")
        page.get_by_label("用户名").fill("li")
        page.get_by_label("密码").fill("wrong password")
        page.get_by_role("button", name="登录").click()
        assert "用户名或密码错误" in page.get_by_role("alert").inner_text()
