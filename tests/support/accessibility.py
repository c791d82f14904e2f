"""Accessibility and phone-width checks for office pages in the browser tests.

    from tests.support.accessibility import assert_accessible, assert_fits

    page.goto(f"{base}/office/queue")
    assert_accessible(page)          # axe-core, WCAG 2 A and AA: no violation
    assert_fits(page)                # no horizontal scrolling at the viewport's width

axe-core is vendored (tests/support/vendor/axe.min.js, from the npm registry) and evaluated
through the browser's debugging protocol, so the hub's Content-Security-Policy stays as it is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG2 = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, tags: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (each: id, impact, help, nodes)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        tags or WCAG2)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                       for n in v["nodes"]][:5]} for v in result["violations"]]


def assert_accessible(page: Page, tags: list[str] | None = None) -> None:
    found = violations(page, tags)
    assert not found, f"{page.url}: axe-core violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in found)


def scroll_width(page: Page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def assert_fits(page: Page, width: int | None = None) -> None:
    """No horizontal scrolling: the document is no wider than the viewport (390 px on a phone)."""
    width = width or page.viewport_size["width"]
    wide = scroll_width(page)
    assert wide <= width, f"{page.url}: {wide} px wide at a {width} px viewport"


def check_page(page: Page, url: str, phone_width: int = 390) -> list[str]:
    """axe at the current width and at a phone's, and the phone's horizontal scroll; the
    problems found (empty: none). The viewport is put back as it was."""
    problems = []
    size = page.viewport_size or {"width": 1366, "height": 768}
    for width in (size["width"], phone_width):
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.goto(url)
        problems += [f"{url} at {width}px: {v['id']}: {v['help']} — {' | '.join(v['nodes'])}"
                     for v in violations(page)]
        if width == phone_width and scroll_width(page) > phone_width:
            problems.append(f"{url} at {width}px scrolls sideways: "
                            f"{scroll_width(page)} px wide")
    page.set_viewport_size(size)
    return problems
