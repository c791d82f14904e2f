"""The overview (工作台) in a real browser (Debian chromium via Playwright): logging in lands
on it, every number on it opens a list with that many rows, its charts are drawn by the hub's
own ECharts without a single content-policy complaint, and it fits a 390 px phone, where the
charts follow the screen; axe-core finds nothing at either width.

One hub (SQLite) and one set of clues for the module: clues from three channels (two report
one matter, so a cluster grew today), three handed off with deadlines set around today, one
failed delivery, one clue owned by the section head."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select, update

from hub.accounts.models import OfficeUser
from hub.accounts.service import OfficePrincipal, add_user
from hub.calendar.service import load_calendar
from hub.container import Hub
from hub.db.types import utcnow
from hub.directory.service import ensure_seeded
from hub.handoffs.models import Handoff
from hub.intake.present import parse_clue_no
from hub.notify.models import WebhookDelivery
from hub.review import service as review
from hub.review.decisions import DecisionRequest
from hub.security.keyring import create_keyring
from hub.workdays import shanghai_today
from tests.conftest import Agencies, make_settings
from tests.review.office import PASSWORD, send_clues
from tests.support import backends
from tests.support.accessibility import assert_accessible, assert_fits
from tests.support.browser import lent_browser, screenshot
from tests.support.live import LiveHub

USERS = (("wang", "王科长", "section_head"), ("li", "李科员", "reviewer"),
         ("admin", "王管理员", "admin"))
COMMISSION = "十堰市纪委监委"
# Listens before any of the page's scripts: every refusal of the content policy is kept.
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });"""


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("overview")
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
        agencies.add(COMMISSION, "discipline")
        numbers = send_clues(hub, agencies)
        _set_the_day(hub, numbers)
        yield {"hub": hub, "base": live.url, "numbers": numbers}
        agencies.close()
    hub.close()
    backend.drop()


def _set_the_day(hub: Hub, numbers: dict[str, str]) -> None:
    """Three clues handed off: one 4 working days overdue, one due tomorrow, one due in 40
    days; a delivery that gave up; the petition owned by the section head."""
    today = shanghai_today()
    with hub.uow() as uow:
        wang = uow.session.scalar(select(OfficeUser).where(OfficeUser.username == "wang"))
        by = OfficePrincipal(wang.id, wang.username, wang.display_name, wang.role, "", "")
        calendar = load_calendar(uow.session)
        late = today
        while calendar.working_days_between(late, today) < 4:
            late -= timedelta(days=1)
        dues = {"court": late, "hotline": calendar.add_working_days(today, 1),
                "unknown": today + timedelta(days=40)}
        for name, due in dues.items():
            clue_id = parse_clue_no(numbers[name])[1]
            review.decide(uow.session, by, [clue_id], DecisionRequest(
                "assign", COMMISSION, "请依法处理"), "page", cipher=hub.cipher,
                settings=hub.settings)
            uow.session.execute(update(Handoff).where(Handoff.clue_id == clue_id)
                                .values(due_on=due, reply_due_on=None))
        agency_id = uow.session.scalar(select(Handoff.agency_id).limit(1))
        uow.session.add(WebhookDelivery(delivery_id="f" * 36, event_key="test:failed",
                                        agency_id=agency_id, event="handoff.created",
                                        payload={}, state="failed", attempts=8))
        review.assign_owner(uow.session, by, parse_clue_no(numbers["petition"])[1], None,
                            "page")
        uow.commit()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with lent_browser() as made:  # the process's browser; this module's contexts closed after
        yield made


def _page(browser: Browser, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    # Errors in the console, but the browser's own note of a missing /favicon.ico.
    page.on("console", lambda m: m.type == "error" and not m.text.startswith(
        "Failed to load resource") and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and page.console_errors.append(f"{r.status} {r.url}"))
    return page


def _log_in(page: Page, base: str, username: str) -> None:
    """From the hub's root, as a browser arrives: sent to log in, then to the overview."""
    page.goto(f"{base}/")
    assert "/office/login" in page.url
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/office/")
    assert page.locator("h1").inner_text() == "工作台"


def _rows_of(page: Page) -> int:
    """How many items the list on this page shows."""
    if "/office/mine" in page.url:
        return int(re.search(r"(\d+) 项", page.locator("h1").inner_text()).group(1))
    table = f"table#{page.url.split('#', 1)[1]}" if "#" in page.url else "main table"
    return (page.locator(f"{table} tbody tr").count()
            - page.locator(f"{table} tbody td.empty").count())


def _numbers(page: Page) -> list[tuple[str, str]]:
    """Every number on the overview that is a link: (its text, where it leads)."""
    links = page.locator(".figures a, table.groups a:text-matches('^\\\\d+$'), h2#grown a")
    out = []
    for i in range(links.count()):
        link = links.nth(i)
        text = link.locator(".figure").inner_text() if link.locator(".figure").count() \
            else link.inner_text()
        out.append((text.strip(), link.get_attribute("href")))
    return out


def _clean(page: Page) -> None:
    assert page.evaluate("window.__csp") == [], page.evaluate("window.__csp")
    assert page.console_errors == [], page.console_errors


def test_every_number_opens_a_list_of_that_many(browser, world):
    base = world["base"]
    page = _page(browser, 1366)
    _log_in(page, base, "wang")
    text = page.locator(".figures").inner_text()
    for label in ("待研判线索", "我的待办", "3 个工作日内到期的移交", "逾期未办结的移交", "推送失败的回调"):
        assert label in text
    assert COMMISSION in page.locator("table.late-receivers").inner_text()
    assert "4 个工作日" in page.locator("table.late-receivers").inner_text()
    assert page.locator("table.late-subjects tbody tr").count() >= 1
    assert page.locator("table.grown tbody tr").count() >= 1  # court and hotline, one matter
    assert_accessible(page)
    _clean(page)
    screenshot(page, "overview-desktop")

    numbers = _numbers(page)
    assert len(numbers) >= 9, numbers
    figures = dict((href, int(n)) for n, href in numbers)
    assert figures["/office/handoffs?overdue=1"] == 1
    assert figures["/office/handoffs?due=3"] == 1
    assert figures["/office/mine"] == 1
    assert figures["/office/webhooks"] == 1
    for number, href in numbers:
        page.goto(f"{base}/office/{href}" if href.startswith("#") else base + href)
        assert _rows_of(page) == int(number), f"{href}: {number} on the overview"
        if href.startswith("/office/handoffs?overdue=1&"):
            assert "逾期 4 个工作日" in page.locator("main table").inner_text()
    page.context.close()


def test_charts_are_drawn_by_the_hubs_own_echarts_under_the_strict_policy(browser, world):
    base = world["base"]
    page = _page(browser, 1366)
    scripts = []
    page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
    _log_in(page, base, "wang")
    policy = page.request.get(f"{base}/office/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert scripts and all(url.startswith(base) for url in scripts), scripts
    assert any(url.endswith("/office/static/vendor/echarts/echarts.min.js") for url in scripts)
    for chart in ("#chart-received", "#chart-handoffs"):
        canvas = page.locator(f"{chart} canvas")
        canvas.wait_for()
        assert canvas.bounding_box()["width"] > 600
    # A tooltip drawn on hover: still nothing refused.
    box = page.locator("#chart-received").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 30, box["y"] + box["height"] - 60)
    page.wait_for_timeout(300)
    _clean(page)

    # Turned to a phone's width, the charts follow the screen.
    page.set_viewport_size({"width": 390, "height": 800})
    width = "document.querySelector('#chart-received canvas').getBoundingClientRect().width"
    for _ in range(100):  # (the page's policy refuses wait_for_function's eval: poll instead)
        if page.evaluate(width) <= 370:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(width) <= 370
    assert_fits(page)
    _clean(page)
    page.context.close()


def test_a_phone_needs_no_horizontal_scrolling(browser, world):
    base = world["base"]
    page = _page(browser, 390)
    _log_in(page, base, "wang")
    page.locator("#chart-received canvas").wait_for()
    assert_fits(page)
    assert_accessible(page)
    _clean(page)
    screenshot(page, "overview-390")
    for href in ("/office/handoffs?overdue=1", "/office/handoffs?due=3"):
        page.goto(base + href)
        assert_fits(page)
        assert_accessible(page)
    page.context.close()


def test_each_role_sees_the_figures_it_may_follow(browser, world):
    base = world["base"]
    for username, shown, hidden in (("li", "逾期未办结的移交", "推送失败的回调"),
                                     ("admin", "推送失败的回调", "逾期未办结的移交")):
        page = _page(browser, 1366)
        _log_in(page, base, username)
        text = page.locator(".figures").inner_text()
        assert shown in text and hidden not in text
        assert_accessible(page)
        for number, href in _numbers(page):
            answer = page.goto(base + href if not href.startswith("#") else f"{base}/office/{href}")
            assert answer.status == 200, href
            assert _rows_of(page) == int(number), href
        page.context.close()


def test_a_section_head_assigns_a_hand_off_and_a_reviewer_takes_one(browser, world):
    base = world["base"]
    wang = _page(browser, 1366)
    _log_in(wang, base, "wang")
    wang.goto(f"{base}/office/handoffs?overdue=1")
    wang.get_by_role("link", name=re.compile(r"JB-\d{4}-\d+")).first.click()
    assert "承办人：未分配" in wang.locator(".owner").inner_text()
    wang.get_by_label("分配给").select_option(label="李科员（科员）")
    wang.get_by_role("button", name="分配").click()
    assert "移交承办人：李科员" in wang.get_by_role("status").first.inner_text()
    assert "承办人：李科员" in wang.locator(".owner").inner_text()
    assert_accessible(wang)
    number = wang.locator(".meta .badge").first.inner_text()
    wang.get_by_role("link", name=re.compile(r"查看线索")).click()
    assert f"分配移交承办人（王科长）：李科员（{number} {COMMISSION}）" in \
        wang.locator(".history").inner_text()
    wang.context.close()

    li = _page(browser, 390)
    _log_in(li, base, "li")
    li.goto(f"{base}/office/handoffs?due=3")
    li.get_by_role("link", name=re.compile(r"JB-\d{4}-\d+")).first.click()
    assert li.get_by_label("分配给").count() == 0  # a reviewer takes, never assigns
    li.get_by_role("button", name="由我承办").click()
    assert "承办人：李科员" in li.locator(".owner").inner_text()
    assert_fits(li)
    assert_accessible(li)
    _clean(li)
    li.context.close()
