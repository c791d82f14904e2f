"""axe-core (WCAG 2 A/AA, the basis of GB/T 37668) run in a page of the real browser, and the
phone-width check (no horizontal scrolling at 390 px).

The engine is vendored: tests/support/vendor/axe.min.js is axe-core 4.14.1 as published on
the npm registry (`npm pack axe-core`; MPL-2.0, its licence beside it). Nothing is loaded from
a CDN, and the pages' content policy is never loosened for it: Playwright injects the script.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Page) -> list[str]:
    """Each WCAG 2 A/AA violation on the page as one readable line (empty: none)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the page's CSP (script-src
        # 'self') is neither loosened nor in the way.
        page.evaluate(_source())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => `${v.id}: ${v.help} — ` + v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ')).join(' | '))", TAGS)
    return list(found)


def _source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;void 0"


def scroll_width(page: Page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth")


def check_page(page: Page, url: str, phone_width: int = 390) -> list[str]:
    """axe at the current width and at a phone's, and the phone's horizontal scroll; the
    problems found (empty: none). The viewport is put back as it was."""
    problems = []
    size = page.viewport_size or {"width": 1366, "height": 768}
    for width in (size["width"], phone_width):
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.goto(url)
        problems += [f"{url} at {width}px: {v}" for v in violations(page)]
        if width == phone_width and scroll_width(page) > phone_width:
            problems.append(f"{url} at {width}px scrolls sideways: "
                            f"{scroll_width(page)} px wide")
    page.set_viewport_size(size)
    return problems
