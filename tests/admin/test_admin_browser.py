"""The administrator and a reviewer in a real browser (Debian chromium via Playwright): a key
issued in a page is pushed with; a letter registered with a PDF is previewed on its page;
axe-core finds no WCAG 2 A/AA violation on these pages, at desktop width and at 390 px."""

from __future__ import annotations

import re

import httpx

from tests.admin.conftest import PASSWORD
from tests.admin.test_clue_attachments import PDF
from tests.support import factories
from tests.support.accessibility import check_page
from tests.support.browser import browser_page, screenshot


def _post(*args, **kw):  # noqa: ANN002, ANN003, ANN202
    return httpx.post(*args, timeout=60, **kw)


def _get(*args, **kw):  # noqa: ANN002, ANN003, ANN202
    return httpx.get(*args, timeout=60, **kw)


def _login(page, base: str, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{base}/office/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/(queue|dashboard|overview|$)"))


def test_key_issued_in_a_page_then_a_letter_registered_and_previewed(world, tmp_path):
    base = world.url
    with browser_page() as page:
        _login(page, base, "admin")
        page.get_by_role("link", name="系统管理").click()
        page.get_by_label("单位全称").fill("郧西县人民法院")
        page.get_by_label("渠道").select_option("court")
        page.get_by_label("行政区划代码").fill("420322")
        page.get_by_label("读取交给本单位的移交事项（handoffs:read）").uncheck()
        page.get_by_role("button", name="登记并签发密钥").click()
        key = page.locator("output#new-key").inner_text().strip()
        assert re.fullmatch(r"hub_[0-9a-f]{12}_[\w-]+", key)
        screenshot(page, "admin-key")
        pushed = _post(f"{base}/api/v1/clues", json=factories.clue(),
                            headers={"Authorization": f"Bearer {key}"})
        assert pushed.status_code == 201, pushed.text
        denied = _get(f"{base}/api/v1/handoffs", headers={"Authorization": f"Bearer {key}"})
        assert denied.status_code == 403  # the scope left unticked
        page.get_by_role("link", name="返回单位页面").click()
        agency_url = page.url
        problems = []
        for url in [agency_url] + [f"{base}/office/admin/{s}" for s in
                                   ("agencies", "users", "connectors", "deadletters", "tasks")]:
            problems += check_page(page, url)

        _login(page, base, "li")
        page.get_by_role("link", name="立项登记").click()
        page.get_by_label("来件方式").select_option("letter")
        page.get_by_label("渠道").select_option("mailbox")
        page.get_by_label("标题").fill("来信反映竹山县城管按指标罚款")
        page.get_by_label("反映内容").fill("来信人反映竹山县城管执法人员每月有罚款指标。")
        page.get_by_label("被反映单位（每行一个）").fill("竹山县城市管理执法局")
        page.get_by_label("姓名").fill("王五")
        pdf = tmp_path / "来信扫描件.pdf"
        pdf.write_bytes(PDF)
        page.get_by_label(re.compile("^附件")).set_input_files(str(pdf))
        page.get_by_role("button", name="登记并进入线索页面").click()
        page.wait_for_url(re.compile(r"/office/clues/XS-\d{4}-\d+"))
        assert "已登记线索" in page.content() and "来信反映竹山县城管按指标罚款" in page.content()
        preview = page.locator("iframe.preview")
        assert preview.get_attribute("title") == "附件预览：来信扫描件.pdf"
        shown = page.request.get(base + preview.get_attribute("src"))
        assert shown.headers["content-type"] == "application/pdf"
        assert shown.body() == PDF
        screenshot(page, "clue-registered")
        clue_url = page.url.split("?")[0]
        problems += check_page(page, f"{base}/office/clues/new")
        problems += check_page(page, clue_url)
    assert not problems, "\n".join(problems)
