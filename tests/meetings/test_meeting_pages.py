"""The section head prepares the month's meeting in a real browser: creates it from the list,
records attendance, adds a decision and turns it into a hand-off, issues the minutes and
downloads them; every page passes axe-core at desktop width and at 390 px without scrolling
sideways."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from docx import Document

from hub.workdays import shanghai_today
from tests.handoffs.conftest import COMMISSION, PASSWORD
from tests.support.accessibility import assert_accessible, check_page
from tests.support.browser import browser_page, screenshot


def _login(page, base: str, username: str, next_path: str) -> None:  # noqa: ANN001
    page.goto(f"{base}{next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(next_path)))


def test_section_head_prepares_holds_and_minutes_the_meeting(month):
    desk = month.desk
    month.decided("C6")
    clue = desk.office.get("/api/v1/office/handoffs/JB-2026-000004").json()["clue"]
    with browser_page() as page:
        _login(page, desk.url, "li", "/office/meetings")
        assert check_page(page, f"{desk.url}/office/meetings") == []
        page.get_by_label("月份（年-月）").fill("2026-10")
        page.get_by_label(COMMISSION).check()
        page.get_by_role("button", name="建立会议并生成议程").click()
        page.wait_for_url(re.compile(r"/office/meetings/\d+"))
        assert "已建立会议，议程已按月报生成" in page.content()
        assert "超期未反馈事项" in page.locator("#agenda").inner_text()
        meeting_url = page.url.split("?")[0]

        page.get_by_label("会议日期").fill(shanghai_today().isoformat())
        page.get_by_label("会议地点").fill("市委依法治市办第一会议室")
        page.get_by_label("主持人").fill("张主任")
        page.get_by_role("button", name="保存会议信息").click()
        assert "已保存会议信息" in page.content()

        page.get_by_label(f"{COMMISSION}出席情况").select_option("present")
        page.get_by_label(f"{COMMISSION}出席人姓名").fill("王建国")
        page.get_by_label(f"{COMMISSION}出席人职务").fill("副主任")
        page.get_by_role("button", name="登记出席情况").click()
        assert "出席（副主任 王建国）" in page.locator("#participants").inner_text()

        page.get_by_label("议定事项内容").fill("责成十堰市纪委监委对超期移送事项限期办结")
        page.get_by_label("完成时限").fill((shanghai_today() + timedelta(days=30)).isoformat())
        page.get_by_label("所涉线索编号（转为交办时必填）").fill(clue)
        page.get_by_role("button", name="增加议定事项").click()
        assert "已增加议定事项" in page.content()
        problems = check_page(page, meeting_url)
        assert problems == [], "\n".join(problems)
        screenshot(page, "meeting")

        page.get_by_role("button", name=re.compile("第一项转为交办")).click()
        notice = page.get_by_role("status").inner_text()
        number = re.search(r"JB-\d{4}-\d{6}", notice).group(0)
        page.get_by_role("link", name=number).click()
        assert "来自2026年10月联席会议议定事项第一项" in page.locator(".timeline").inner_text()

        page.goto(meeting_url)
        page.get_by_role("button", name="印发会议纪要").click()
        assert "会议纪要已印发，文号 十法督纪〔" in page.content()
        assert "您只能查看" in page.content()  # the record is final
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="下载会议纪要（.docx）").click()
        assert download.value.suggested_filename.endswith("2026年10月联席会议纪要.docx")
        content = open(download.value.path(), "rb").read()  # noqa: SIM115
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert "王建国" in text and number in text and "超期未反馈事项" in text
        problems = check_page(page, meeting_url)
        assert problems == [], "\n".join(problems)
