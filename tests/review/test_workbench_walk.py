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
from playwright.sync_api import Browser, Page

from hub.accounts.service import add_user
from hub.container import Hub
from hub.db.types import utcnow
from hub.directory.service import ensure_seeded
from hub.intake.present import parse_clue_no
from hub.security.keyring import create_keyring
from tests.conftest import Agencies, make_settings
from tests.review.office import PASSWORD, send_clues, wait_pending
from tests.support import backends, factories
from tests.support.accessibility import assert_accessible, assert_fits
from tests.support.browser import lent_browser, screenshot
from tests.support.live import LiveHub

# One walk: each step starts where the one before left off (the phone test opens the hand-off
# the decision made), so every test of the module runs on one test process (`make test`
# runs `--dist loadgroup`); spread over two, a step would find a world without it.
pytestmark = pytest.mark.xdist_group("workbench_walk")

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
        agencies.add("十堰市纪委监委", "discipline")
        numbers = send_clues(hub, agencies)
        _, court = agencies.add("郧西县人民法院", "court")
        sent = agencies.client(court).post("/api/v1/clues", json=factories.clue(
            title="县交通局未履行生效行政判决", region_code="420322", category="judgment_compliance",
            content="(2024)鄂0322行初8号判决县交通局退还违法收取的费用，判决生效后至今未履行。",
            subjects=[{"name": "县交通局"}],
            references=[{"kind": "case_number", "value": "(2024)鄂0322行初8号"}]))
        assert sent.status_code == 201, sent.text
        numbers["transport"] = sent.json()["id"]
        wait_pending(hub, 5)
        yield {"hub": hub, "base": live.url, "numbers": numbers,
               "ids": {k: parse_clue_no(v)[1] for k, v in numbers.items()}}
        agencies.close()
    hub.close()
    backend.drop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with lent_browser() as made:  # the process's browser; this module's contexts closed after
        yield made


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


@pytest.fixture(scope="module")
def wang(browser, world) -> Page:
    page = _page(browser)
    _login(page, world["base"], "wang")
    return page


def test_a_section_head_assigns_and_the_reviewer_finds_it_under_my_work(li, wang, world):
    number = world["numbers"]["transport"]
    wang.goto(f"{world['base']}/office/clues/{number}")
    assert "承办人：未分配" in wang.locator(".owner").inner_text()
    wang.get_by_label("分配给").select_option(label="李科员（科员）")
    wang.get_by_role("button", name="分配").click()
    assert "承办人：李科员" in wang.get_by_role("status").first.inner_text()
    assert "分配承办人（王科长）：李科员" in wang.locator(".history").inner_text()
    assert_accessible(wang)

    li.goto(f"{world['base']}/office/mine")
    assert number in li.locator("main").inner_text()
    assert_accessible(li)
    li.get_by_role("link", name=number).click()
    li.wait_for_url(re.compile(number))


def test_the_reviewer_decides_as_proposed_with_the_receiver_from_suggestions(li, world):
    number = world["numbers"]["transport"]
    li.goto(f"{world['base']}/office/clues/{number}")
    assert "建议交办：县交通局" in li.locator(".proposal").first.inner_text()
    form = li.locator("form.decide")
    # The form starts from the proposal: the kind, the receiver resolved to its full name.
    assert form.get_by_label("决定").input_value() == "assign"
    assert form.get_by_label("对象单位").input_value() == "郧西县交通运输局"
    assert form.get_by_label("办结期限（工作日）").input_value() == "10"
    assert_accessible(li)

    # A receiver that matches nothing: refused, and what was typed is still there.
    form.get_by_label("对象单位").fill("火星市交通局")
    form.get_by_label("办理要求").fill("请核实后依法处理")
    form.get_by_role("button", name="提交决定").click()
    assert "火星市交通局" in li.get_by_role("alert").inner_text()
    form = li.locator("form.decide")
    assert form.get_by_label("对象单位").input_value() == "火星市交通局"
    assert form.get_by_label("办理要求").input_value() == "请核实后依法处理"

    # Typing the short name offers the body it resolves to; picking it decides.
    target = form.get_by_label("对象单位")
    target.fill("")
    target.press_sequentially("县交通局", delay=30)
    option = li.locator("#receiver-options option[value='郧西县交通运输局']")
    option.wait_for(state="attached")
    target.fill(option.get_attribute("value"))
    form.get_by_role("button", name="提交决定").click()
    assert "已对 1 条线索作出决定：交办" in li.get_by_role("status").first.inner_text()
    assert "郧西县交通运输局" in li.locator(".handoff-links").inner_text()
    assert "作出决定：交办（李科员）" in li.locator(".history").inner_text()


def _decide(page: Page, world: dict, number: str, kind: str, target: str,
            fields: dict[str, str]) -> None:
    """On the clue's page: the decision form filled (its other fields by label) and sent."""
    page.goto(f"{world['base']}/office/clues/{number}")
    form = page.locator("form.decide")
    form.get_by_label("决定").select_option(kind)
    form.get_by_label("对象单位").fill(target)
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="提交决定").click()


def test_a_referral_waits_for_the_section_heads_approval(li, wang, world):
    number = world["numbers"]["petition"]
    _decide(li, world, number, "refer", "十堰市纪委监委", {"理由或意见": "涉嫌违纪，移送纪委监委"})
    assert "已提交科长审批：移送" in li.get_by_role("status").first.inner_text()
    assert "待研判" in li.locator(".badge.status").inner_text()

    wang.goto(f"{world['base']}/office/approvals")
    assert number in wang.locator("table").inner_text()
    assert_accessible(wang)
    wang.get_by_role("row", name=re.compile(number)).get_by_role("button", name="批准").click()
    assert "已批准：移送" in wang.get_by_role("status").first.inner_text()

    li.goto(f"{world['base']}/office/clues/{number}")
    assert "已移送" in li.locator(".badge.status").inner_text() or \
        "移送" in li.locator(".badge.status").inner_text()
    history = li.locator(".history").inner_text()
    assert "提出决定，待科长审批（李科员）：移送" in history
    assert "科长批准决定（王科长）：移送" in history


def test_browser_errors_are_chinese_pages(browser, li, world):
    base = world["base"]
    stranger = _page(browser)
    stranger.goto(f"{base}/")
    assert "/office/login" in stranger.url
    stranger.context.close()
    for url, words in ((f"{base}/office/clues/XS-2026-999999", "没有找到线索"),
                       (f"{base}/office/reports/monthly/2026-13", "月"),
                       (f"{base}/office/no-such-page", "没有这个页面")):
        answer = li.goto(url)
        assert answer.status >= 400 and "text/html" in answer.headers["content-type"], url
        assert words in li.locator("main").inner_text(), url


def test_phones_need_no_horizontal_scrolling(browser, world):
    """A section head on a phone: the pages of a day, a decision made there, its hand-off in
    the list and on its own page. (The decision is this test's own: a test that needed one
    from the steps above found, twice in CI, a list without it.)"""
    phone = _page(browser, width=390)
    _login(phone, world["base"], "wang")
    for path in ("/office/queue", "/office/clues?q=罚款", f"/office/clues/{world['numbers']['transport']}",
                 "/office/mine", "/office/approvals"):
        phone.goto(world["base"] + path)
        assert_fits(phone)
        assert_accessible(phone)

    _decide(phone, world, world["numbers"]["hotline"], "assign", "郧西县交通运输局",
            {"办理要求": "请核实后依法处理"})
    assert "已对 1 条线索作出决定：交办" in phone.get_by_role("status").first.inner_text()
    link = phone.locator(".handoff-links").get_by_role("link", name=re.compile(r"JB-\d{4}-\d+"))
    number = link.first.inner_text().strip()

    phone.goto(world["base"] + "/office/handoffs")
    assert_fits(phone)
    assert_accessible(phone)
    listed = phone.get_by_role("link", name=number)
    assert listed.count() == 1, f"{number}: {phone.locator('main').inner_text()[:800]}"
    listed.click()
    phone.wait_for_url(re.compile(number))
    assert_fits(phone)
    assert_accessible(phone)
    screenshot(phone, "workbench-handoff-390")
    phone.goto(world["base"] + "/office/queue")
    screenshot(phone, "workbench-queue-390")
    phone.context.close()


def test_every_other_office_page_passes_axe(li, world):
    for path in ("/office/queue", "/office/handoffs", "/office/rules", "/office/calendar",
                 "/office/reports", "/office/notifications"):
        li.goto(world["base"] + path)
        assert_accessible(li)


def _office_pages() -> list[str]:
    """Every parameterless HTML page the office can open (GET under /office/, no downloads)."""
    from hub.app import ROUTERS

    def routes(router, prefix: str = ""):  # noqa: ANN001, ANN202
        for route in router.routes:
            if hasattr(route, "path"):
                yield prefix, route
            else:  # a router included in another (FastAPI keeps it apart, with its prefix)
                yield from routes(route.original_router,
                                  prefix + route.include_context.prefix)

    paths = set()
    for prefix, route in (r for router in ROUTERS for r in routes(router)):
        path = prefix + route.path
        if ("GET" in (getattr(route, "methods", None) or ()) and path.startswith("/office/")
                and "{" not in path and not path.endswith(("/export", "/logout"))
                and not path.startswith("/office/static")):
            paths.add(path)
    return sorted(paths)


def test_no_office_page_has_an_accessibility_violation(browser, li, world):
    """axe-core (WCAG 2 A/AA) on every office page the app serves, as a reviewer and, for the
    pages a reviewer may not open, as a section head, an administrator or the auditor; new pages are
    found from the routes, so none is forgotten."""
    pages = _office_pages()
    assert {"/office/", "/office/queue", "/office/meetings", "/office/admin/agencies"} <= set(pages)
    others = {}
    for username in ("wang", "admin", "audit"):
        others[username] = _page(browser)
        _login(others[username], world["base"], username)
    checked = []
    for path in pages:
        for page in (li, *others.values()):
            answer = page.goto(world["base"] + path)
            if answer is not None and answer.status == 200 and "html" in (
                    answer.headers.get("content-type") or ""):
                assert_accessible(page)
                checked.append(path)
                break
    for page in others.values():
        page.context.close()
    assert checked == pages, sorted(set(pages) - set(checked))
