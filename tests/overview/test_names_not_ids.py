"""People and agencies by name, in Beijing time: a hand-off's timeline, a clue's history and
the audit list show display names and agency names, never "user:…" or "agency:…"."""

from __future__ import annotations

import re

from tests.handoffs.conftest import COMMISSION


def _text(html: str, start: str, end: str) -> str:
    """The visible text between two markers of a page."""
    part = html.split(start, 1)[1].split(end, 1)[0]
    return re.sub(r"<[^>]+>", " ", part)


def test_timelines_and_the_audit_list_name_people_and_agencies(desk):
    number = desk.handoff("assign", COMMISSION)
    assert desk.commission.post(f"/api/v1/handoffs/{number}/ack").status_code == 200
    reminded = desk.office.post(f"/api/v1/office/handoffs/{number}/actions",
                                json={"action": "remind", "reason": "请加快办理"})
    assert reminded.status_code == 200, reminded.text

    page = desk.office.get(f"/office/handoffs/{number}", headers={"Accept": "text/html"}).text
    timeline = _text(page, '<ol class="history timeline">', "</ol>")
    assert "李科长" in timeline and COMMISSION in timeline
    assert "user:" not in timeline and "agency:" not in timeline
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} ", timeline)  # Beijing time, to the minute

    clue = re.search(r'/office/clues/(XS-\d{4}-\d+)', page).group(1)
    history = _text(desk.office.get(f"/office/clues/{clue}", headers={"Accept": "text/html"}).text,
                    'class="history', "</ol>")
    assert COMMISSION in history and "agency:" not in history and "user:" not in history

    auditor = desk.user("shen", "auditor")
    trail = auditor.get("/office/audit", headers={"Accept": "text/html"})
    assert trail.status_code == 200
    table = _text(trail.text, "<tbody>", "</tbody>")
    assert "李科长" in table and COMMISSION in table
    assert f"移交 {number}" in table and f"线索 {clue}" in table
    assert not re.search(r"\b(user|agency):\d", table)
    auditor.close()
