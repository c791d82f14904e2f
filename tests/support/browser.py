"""Debian's chromium driven by Playwright (never `playwright install`: no downloads here).

One browser per test process, started on first use and closed at the end of the session;
each test gets a new browser context of its own (cookies, storage and cache start empty, as in
a browser started for it), closed when the test is done.

Playwright's sync API marks its event loop as the thread's running loop between calls. The
shared browser is lent to a test only inside `browser_page()` / `lent_browser()`; outside, the
thread has no running loop, as in a test that never opened a browser.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_running: dict[str, Playwright | Browser | int] = {}


def _lend() -> Browser:
    playwright = _running.get("playwright")
    if playwright is not None:
        asyncio._set_running_loop(playwright._loop)  # as between the driver's own calls
        if _running["browser"].is_connected():
            return _running["browser"]
        close_shared()  # the browser died under an earlier test: start another
    playwright = sync_playwright().start()
    _running["playwright"] = playwright
    _running["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=FLAGS)
    return _running["browser"]


@contextmanager
def lent_browser() -> Iterator[Browser]:
    """The process's browser for the block (a module's fixture may hold it for the module);
    the contexts opened in the block are closed at its end."""
    browser = _lend()
    before = set(browser.contexts)
    _running["depth"] = _running.get("depth", 0) + 1
    try:
        yield browser
    finally:
        _running["depth"] -= 1
        try:
            if browser.is_connected():
                for context in browser.contexts:
                    if context not in before:
                        context.close()
        finally:
            if not _running["depth"]:  # the driver's loop off the thread
                asyncio._set_running_loop(None)


def close_shared() -> None:
    """Stop the browser and its driver (at the end of the session)."""
    playwright = _running.pop("playwright", None)
    browser = _running.pop("browser", None)
    if playwright is None:
        return
    asyncio._set_running_loop(playwright._loop)
    try:
        if browser is not None and browser.is_connected():
            browser.close()
    finally:
        playwright.stop()
        asyncio._set_running_loop(None)


@contextmanager
def browser_page(width: int = 1366, height: int = 768) -> Iterator[Page]:
    with lent_browser() as browser:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
