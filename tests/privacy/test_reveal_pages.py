"""Request → approve → reveal in a real browser (Debian chromium), then the auditor's page."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.privacy.conftest import PASSWORD
from tests.support.browser import browser_page, screenshot


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/office/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/(?!login)"))


def test_section_head_asks_leader_approves_then_the_identity_shows(office, hub):
    base, number = office["url"], office["second"]
    with browser_page() as page:
        login(page, base, "wang")
        page.goto(f"{base}/office/clues/{number}")
        body = page.locator("main").inner_text()
        assert "138****5678" in body and "13812345678" not in body
        assert "同一反映人此前反映过 1 条线索" in body
        # The earlier report is linked from the panel (the cluster panel may link it too).
        earlier = page.locator("p.earlier")
        assert earlier.get_by_role("link", name=office["first"]).count() == 1
        page.get_by_label("申请查看反映人身份的理由").fill("需当面核实反映的未履行判决情况")
        page.get_by_role("button", name="申请查看反映人身份").click()
        assert "待领导审批" in page.get_by_role("status").inner_text()
        assert page.get_by_role("button", name="查看反映人身份").count() == 0
        screenshot(page, "reveal-request")

        login(page, base, "zhao")
        page.get_by_role("link", name="身份查看审批").click()
        assert "待审批 1 项" in page.locator("h1").inner_text()
        assert "需当面核实" in page.locator("table.reveals").inner_text()
        page.get_by_label(re.compile("的审批意见")).fill("同意，注意保密")
        screenshot(page, "reveal-approve")
        page.get_by_role("button", name="批准", exact=True).click()
        assert "已批准" in page.get_by_role("status").inner_text()

        login(page, base, "wang")
        page.goto(f"{base}/office/clues/{number}")
        page.get_by_role("button", name="查看反映人身份").click()
        shown = page.locator("dl.reporter").inner_text()
        assert "张三" in shown and "13812345678" in shown
        assert "本次查看已记入审计记录" in page.content()
        screenshot(page, "reveal-shown")
        page.get_by_role("link", name=re.compile("返回线索")).click()
        assert "查看了反映人身份" in page.locator(".history").inner_text()

        login(page, base, "li")  # a reviewer: masked, and no way to ask
        page.goto(f"{base}/office/clues/{number}")
        assert "13812345678" not in page.content()
        assert page.get_by_role("button", name="申请查看反映人身份").count() == 0
        assert page.goto(f"{base}/office/audit").status == 403

        login(page, base, "audit")  # the auditor sees all of it in the trail
        page.get_by_role("link", name="审计记录").click()
        assert "最近的审计记录完好" in page.locator("#verdict").inner_text()
        page.locator("select[name=action]").select_option("reporter.revealed")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile(r"action=reporter\.revealed"))
        rows = page.locator("table.audit tbody tr")
        assert rows.count() == 1 and "王科长" in rows.first.inner_text()
        assert "13812345678" not in page.content()
        page.locator("select[name=action]").select_option("")
        page.get_by_label("操作人").select_option(label="李科员")  # by name, not user:1
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile(r"actor=user%3A1"))
        seen = page.locator("table.audit tbody").inner_text()
        assert "登录" in seen and "查看线索（个人信息已遮蔽）" in seen and "王科长" not in seen
        screenshot(page, "audit-trail")

        with hub.engine.begin() as conn:  # an insider edits one row behind the hub's back
            conn.execute(text("UPDATE audit_entries SET ip = '10.9.9.9' "
                              "WHERE action = 'reporter.revealed'"))
        # the full check: the scheduler may have signed a head past that row meanwhile, and
        # the quick check reads only what follows the newest signed head
        page.goto(f"{base}/office/audit?verify=full")
        verdict = page.locator("#verdict").inner_text()
        assert "审计记录已损坏" in verdict and "被改动" in verdict
