"""The auditor's page checks the newest part of the trail on every load and the whole chain
when asked (a real browser; SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from hub import audit
from hub.accounts.service import add_user
from hub.audit.service import sign_head
from tests.support.browser import browser_page, screenshot
from tests.support.live import LiveHub

PASSWORD = "correct-horse-9"


@pytest.fixture
def live(hub):
    """The hub without its scheduler: the signing job would otherwise sign a new head over the
    auditor's own login now and then, and the test's head #5 would move under it."""
    with LiveHub(hub, with_scheduler=False) as server:
        yield server


@pytest.fixture
def trail(hub, live):
    """Five decisions under a signed head, and an auditor to read them."""
    with hub.uow() as uow:
        add_user(uow.session, username="audit", display_name="审计员", role="auditor",
                 password=PASSWORD)
        for i in range(5):
            audit.record(uow.session, actor="user:7", action="decision.accept",
                         target=f"clue:{i}", via="page")
        sign_head(uow.session, hub.signing_key)
        uow.commit()
    return live.url


def open_audit_page(page, base: str) -> None:
    page.goto(f"{base}/office/login")
    page.get_by_label("用户名").fill("audit")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/"))
    page.goto(f"{base}/office/audit")


def _tamper(hub, where: str) -> None:
    with hub.engine.begin() as conn:  # an insider edits one row behind the hub's back
        conn.execute(text(f"UPDATE audit_entries SET ip = '10.9.9.9' WHERE {where}"))


def test_the_page_says_what_it_checked_and_shows_a_change_after_the_signed_head(hub, trail):
    with browser_page() as page:
        open_audit_page(page, trail)
        verdict = page.locator("#verdict").inner_text()
        assert re.search(r"最近的审计记录完好：已校验最新签名链头 #5 及其后 \d+ 条记录", verdict)
        assert "hub audit verify" in verdict and "完整校验" in verdict
        screenshot(page, "audit-quick-check")

        _tamper(hub, "seq = (SELECT max(seq) FROM audit_entries)")  # the auditor's login
        page.reload()
        verdict = page.locator("#verdict").inner_text()
        assert "审计记录已损坏" in verdict and "被改动" in verdict


def test_a_change_before_the_signed_head_shows_when_the_auditor_asks_for_the_full_check(
        hub, trail):
    _tamper(hub, "seq = 2")
    with browser_page() as page:
        open_audit_page(page, trail)
        assert "最近的审计记录完好" in page.locator("#verdict").inner_text()
        page.get_by_role("button", name="完整校验").click()
        page.wait_for_url(re.compile(r"verify=full"))
        verdict = page.locator("#verdict").inner_text()
        assert "审计记录已损坏：第一条损坏的记录：#2" in verdict and "被改动" in verdict
        assert page.get_by_role("button", name="完整校验").count() == 0
