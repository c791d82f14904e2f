"""The month's report page in a real browser: figures, rates beside their definitions, charts,
and a click on a figure opening the clues behind it; issuing and sharing from the list."""

from __future__ import annotations

import re

import pytest

from hub.accounts.service import add_user
from hub.agencies.service import add_agency
from hub.web.templating import add_template_folder
from tests.reports.month import insert_month
from tests.support.browser import browser_page, screenshot

PASSWORD = "correct-horse-9"


@pytest.fixture
def office(hub, live):
    with hub.uow() as uow:
        insert_month(uow.session)
        add_user(uow.session, username="wang", display_name="王科长", role="section_head",
                 password=PASSWORD)
        add_agency(uow.session, name="十堰市纪委监委", channel="discipline", region_code="420300")
        uow.commit()
    return live.url


def login(page, base: str, target: str) -> None:
    page.goto(f"{base}{target}")
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(target.split("?")[0])))


def test_report_page_shows_figures_and_opens_the_clues_behind_one(office):
    with browser_page() as page:
        login(page, office, "/office/reports/monthly/2026-10")
        assert "2026年10月联席会议月报" in page.locator("h1").inner_text()
        assert page.locator("a.bell").inner_text().startswith("通知")  # the office's own layout
        rates = page.locator(".report-rates").inner_text()
        assert "按期办结率" in rates and "50.0%" in rates and "期限当日或之前" in rates
        assert page.locator(".charts img").count() == 2
        assert page.locator("#figure-received_total").inner_text().split("\t")[2].startswith("8")
        overdue = page.locator("table.overdue").inner_text()
        assert "JB-2026-000008" in overdue and "29" in overdue
        screenshot(page, "report_month")

        link = page.locator("a[href*='figures/received_by_channel?group=hotline']")
        assert link.inner_text() == "3"
        link.click()
        page.wait_for_url(re.compile(r"/figures/received_by_channel\?group=hotline"))
        assert "共 3 条线索" in page.locator("h1").inner_text()
        records = page.locator("table.records tbody tr")
        assert records.count() == 3
        assert "茅箭区市场监管局对个体户重复检查" in page.locator("table.records").inner_text()
        screenshot(page, "report_figure_clues")

        page.goto(f"{office}/office/reports/monthly/2026-10?region=420322")
        assert "郧西县" in page.locator("h1").inner_text()
        page.locator("#figure-handoffs_overdue").get_by_role("link").click()
        assert "共 1 件移交" in page.locator("h1").inner_text()
        assert "JB-2026-000004" in page.locator("table.records").inner_text()


def test_section_head_issues_a_version_and_shares_it(office):
    with browser_page() as page:
        login(page, office, "/office/reports")
        page.get_by_label("月份").fill("2026-10")
        page.get_by_role("button", name="印发（生成新版本）").click()
        assert "已印发2026年10月月报第 1 版" in page.get_by_role("status").inner_text()
        page.get_by_label("月份").fill("2026-10")
        page.get_by_role("button", name="印发（生成新版本）").click()
        assert "第 2 版" in page.get_by_role("status").inner_text()
        rows = page.locator("table.issued tbody tr")
        assert rows.count() == 2
        assert re.search(r"[0-9a-f]{64}", rows.first.inner_text())
        rows.first.get_by_label("协作单位").select_option(label="十堰市纪委监委")
        rows.first.get_by_role("button", name="共享").click()
        assert "已与十堰市纪委监委共享" in page.get_by_role("status").inner_text()
        assert "十堰市纪委监委" in page.locator("table.issued tbody tr").first.inner_text()
        screenshot(page, "report_issued")


def test_a_template_folder_reusing_a_report_page_name_is_refused(tmp_path):
    import hub.reports.pages  # noqa: F401  (joins the report templates to the office loader)

    (tmp_path / "month.html").write_text("{% extends 'base.html' %}")
    with pytest.raises(RuntimeError, match="month.html"):
        add_template_folder(tmp_path)
