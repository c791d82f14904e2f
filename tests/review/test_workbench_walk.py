"""The office's workbench walked in a real browser (Debian chromium via Playwright), as a
section of reviewers uses it: search, ownership, deciding as proposed, approvals, merging,
export, the overview, on a desktop and on a 390 px phone, every page checked with axe-core.

One hub (SQLite), one browser and one set of clues for the whole module: the steps build on
each other in the order a day goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from hub.accounts.service import add_user
from hub.container import Hub
from hub.db.types import utcnow
from hub.directory.service import ensure_seeded
from hub.intake.present import parse_clue_no
from hub.security.keyring import create_keyring
from tests.conftest import Agencies, make_settings
from tests.review.office import PASSWORD, send_clues
from tests.support import backends
from tests.support.accessibility import assert_accessible
from tests.support.browser import CHROMIUM, FLAGS, screenshot
from tests.support.live import LiveHub

USERS = (("li", "李科员", "reviewer"), ("zhao", "赵科员", "reviewer"),
         ("wang", "王科长", "section_head"), ("chen", "陈主任", "leader"),
         ("admin", "王管理员", "admin"), ("audit", "审计员", "auditor"))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("workbench")
    backend = backends.sqlite_backend(tmp)
    settings = make_settings(backend, tmp)
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        ensure_seeded(uow.session, now=utcnow())
        for username, name, role in USERS:
            add_user(uow.session, username=username, display_name=name, role=role,
                     password=PASSWORD)
        uow.commit()
    with LiveHub(hub) as live:
        agencies = Agencies(hub, live.url)
        numbers = send_clues(hub, agencies)
        yield {"hub": hub, "base": live.url, "numbers": numbers,
               "ids": {k: parse_clue_no(v)[1] for k, v in numbers.items()}}
        agencies.close()
    hub.close()
    backend.drop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        made = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield made
        made.close()


def _page(browser: Browser, width: int = 1366) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/office/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/(?!login)"))


@pytest.fixture(scope="module")
def li(browser, world) -> Page:
    page = _page(browser)
    _login(page, world["base"], "li")
    return page


def test_search_finds_a_word_in_every_status(li, world):
    li.goto(f"{world['base']}/office/clues")
    li.get_by_label("搜索").fill("罚款")
    li.get_by_role("button", name="查找").click()
    assert "共 2 条" in li.locator("h1").inner_text()
    marks = li.locator("table.clues mark")
    assert marks.count() >= 2 and marks.first.inner_text() == "罚款"
    assert_accessible(li)
    screenshot(li, "workbench-search")
