"""The pages that close the loop, in a real browser (Debian chromium via Playwright): 回头看
(/office/followups), the documents (/office/documents), the archive list and a file
(/office/archive…) and a closed clue's page with its persons' reveal panel — at desktop width
and at 390 px (no sideways scrolling), with no axe-core WCAG 2 A/AA violation; a follow-up's
finding is recorded through its page as a user would."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from hub.archive import service as archive
from hub.archive.models import ArchiveFile
from hub.followups.models import FollowUp
from hub.workdays import shanghai_today
from tests.handoffs.conftest import COMMISSION, PASSWORD
from tests.support.accessibility import check_page
from tests.support.browser import browser_page, screenshot

PEOPLE = [{"name": "王建军", "post": "郧西县市场监督管理局执法大队副大队长", "rank": "section",
           "kind": "government_sanction", "measure": "demerit"}]


def _closed_and_filed(desk) -> tuple[str, str, str]:
    """A matter assigned, answered naming a person, verified (closed), filed; its follow-up
    due today. (clue, hand-off, archive file)"""
    clue = desk.pending_clue()
    made = desk.decide(clue, "assign", COMMISSION, instructions="请核查处理")
    number = made.json()["decisions"][0]["handoffs"][0]
    desk.commission.post(f"/api/v1/handoffs/{number}/ack")
    replied = desk.commission.post(f"/api/v1/handoffs/{number}/replies", json={
        "final": True, "text": "已给予政务记过处分，并整改到位。",
        "outcome": {"kind": "sanction", "people": PEOPLE}})
    assert replied.status_code == 201, replied.text
    verified = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                json={"action": "verify"})
    assert verified.json()["status"] == "closed", verified.text
    hub = desk.hub
    assert archive.build_all(hub) == 1
    with hub.uow() as uow:
        uow.session.execute(update(FollowUp).values(due_on=shanghai_today()))
        uow.commit()
        file = uow.session.scalar(select(ArchiveFile.number))
    return clue, number, file


def test_followups_documents_and_archive_pages_in_a_browser(desk):
    clue, number, file = _closed_and_filed(desk)
    base = desk.url
    with browser_page() as page:
        page.goto(f"{base}/office/login")
        page.get_by_label("用户名").fill("li")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/office/"))

        page.goto(f"{base}/office/followups")
        row = page.locator("tr", has_text=clue)
        assert "已到期" in row.inner_text() and "李科长" in row.inner_text()
        screenshot(page, "followups-due")
        pages = [f"{base}/office/followups", f"{base}/office/followups?view=all&mine=1",
                 f"{base}/office/documents", f"{base}/office/archive",
                 f"{base}/office/archive?q={number[:2]}", f"{base}/office/archive/{file}",
                 f"{base}/office/clues/{clue}"]
        problems = []
        for url in pages:
            problems += check_page(page, url)
        assert problems == [], "\n".join(problems)

        # The documents list names the matter's letters; the file page says it verifies.
        page.goto(f"{base}/office/documents")
        assert "交办函" in page.content() and "办结报告" in page.content()
        page.goto(f"{base}/office/archive/{file}")
        assert "校验通过" in page.locator("[role=status]").inner_text()
        assert "【内部】" not in page.title()  # the mark is in the heading, not the title bar
        assert "保管期限 永久" in page.locator("h1").inner_text()

        # 回头看 through its page, at a phone's width.
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(f"{base}/office/followups")
        form = page.locator(f"tr:has-text('{clue}') form.decide").first
        form.get_by_label("结论").select_option("consolidated")
        form.get_by_label("情况说明").fill("现场核查，整改成果巩固")
        form.get_by_role("button", name="记录结论").click()
        page.wait_for_url(re.compile(r"/office/followups\?.*view=done"))
        assert page.content().count("已记录回头看结论：整改巩固") == 1  # said once, in the notice
        assert "现场核查，整改成果巩固" in page.locator("tr", has_text=clue).inner_text()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        screenshot(page, "followups-done-phone")
