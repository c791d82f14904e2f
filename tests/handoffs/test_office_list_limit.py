"""The office's hand-off list past its limit: it keeps the most urgent hand-offs (the most
overdue first, however long ago they last changed), and the page and the overview say that
there are more; the export still holds them all."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select, update

from hub.accounts.models import OfficeUser
from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.db.models import Clue
from hub.handoffs import repository
from hub.handoffs.models import Handoff
from hub.overview import service
from hub.workdays import shanghai_today
from tests.handoffs.conftest import COMMISSION

OVERVIEW = "/office/"


def _listed(desk, href: str) -> tuple[str, list[str]]:  # noqa: ANN001
    page = desk.office.get(href, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    return page.text, re.findall(r'href="/office/handoffs/([^"?]+)"', page.text)


def test_past_the_limit_the_most_overdue_stay_and_the_page_says_there_are_more(desk, monkeypatch):
    hub = desk.hub
    late, fresh, newer = (desk.handoff("assign", COMMISSION) for _ in range(3))
    today = shanghai_today()
    with hub.uow() as uow:
        calendar = load_calendar(uow.session)
        five_ago = today
        while calendar.working_days_between(five_ago, today) < 5:
            five_ago -= timedelta(days=1)
        long_ago = datetime.now(UTC) - timedelta(days=60)
        # The overdue one changed longest ago: a list of the latest changes would drop it.
        uow.session.execute(update(Handoff).where(Handoff.number == late).values(
            due_on=five_ago, reply_due_on=None, updated_at=long_ago))
        for number in (fresh, newer):
            uow.session.execute(update(Handoff).where(Handoff.number == number).values(
                due_on=today + timedelta(days=40), reply_due_on=None))
        li = uow.session.scalar(select(OfficeUser).where(OfficeUser.username == "li"))
        user = OfficePrincipal(li.id, li.username, li.display_name, li.role, "", "")
        uow.commit()

    page, numbers = _listed(desk, "/office/handoffs")
    assert numbers[0] == late and set(numbers) == {late, fresh, newer}
    assert "共 3 项，其中逾期 1 项" in page and "只列出" not in page

    monkeypatch.setattr(repository, "LIST_LIMIT", 2)
    page, numbers = _listed(desk, "/office/handoffs")
    assert numbers == [late, newer]  # the overdue one, then the newest of those with time left
    assert "共 2+ 项，其中逾期 1 项" in page
    assert "只列出期限最紧迫的 2 项" in page and "导出当前筛选结果（导出包含全部）" in page
    exported = desk.office.get("/office/handoffs/export?state=open")
    assert exported.status_code == 200, exported.text
    sheet = load_workbook(BytesIO(exported.content), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 3

    # Two overdue, a list of one: the overview's figure says there are more than it counts.
    with hub.uow() as uow:
        uow.session.execute(update(Handoff).where(Handoff.number == fresh).values(
            due_on=five_ago))
        uow.commit()
    monkeypatch.setattr(repository, "LIST_LIMIT", 1)
    with hub.uow(write=False) as uow:
        view = service.overview(uow.session, user, today=today)
    late_figure = {f.label: f for f in view.figures}["逾期未办结的移交"]
    assert (late_figure.count, late_figure.more) == (1, True)
    page = desk.office.get(OVERVIEW, headers={"Accept": "text/html"}).text
    assert re.search(r'class="figure">1\+</span> <span class="figure-label">逾期未办结的移交', page)
    monkeypatch.setattr(repository, "LIST_LIMIT", 2)
    page = desk.office.get(OVERVIEW, headers={"Accept": "text/html"}).text
    assert re.search(r'class="figure">2</span> <span class="figure-label">逾期未办结的移交', page)

    # Due soon, past a limit the overdue ones would fill: still found (they are left out in
    # the query, not after it).
    with hub.uow() as uow:
        uow.session.execute(update(Handoff).where(Handoff.number == newer).values(
            due_on=calendar.add_working_days(today, 1)))
        uow.commit()
    monkeypatch.setattr(repository, "LIST_LIMIT", 1)
    page, numbers = _listed(desk, "/office/handoffs?state=open&due=3")
    assert numbers == [newer] and "只列出" not in page
    with hub.uow(write=False) as uow:
        view = service.overview(uow.session, user, today=today)
    soon_figure = {f.label: f for f in view.figures}["3 个工作日内到期的移交"]
    assert (soon_figure.count, soon_figure.more) == (1, False)


def test_a_subject_past_the_limit_is_found_by_the_query(desk, monkeypatch):
    """The subject filter narrows the query itself: the least overdue hand-off of a subject
    unit is listed even when more urgent ones of other units would fill the list."""
    hub = desk.hub
    numbers = [desk.handoff("assign", COMMISSION) for _ in range(3)]
    today = shanghai_today()
    subjects = [[{"name": "郧阳区交通运输局"}], [{"name": "郧阳区交通运输局"}, "not a unit"],
                [{"name": "城关镇政府", "resolved_name": "郧阳区城关镇人民政府"}]]
    with hub.uow() as uow:
        for days, number, named in zip((9, 8, 2), numbers, subjects, strict=True):
            handoff = uow.session.scalar(select(Handoff).where(Handoff.number == number))
            handoff.due_on, handoff.reply_due_on = today - timedelta(days=days), None
            uow.session.execute(update(Clue).where(Clue.id == handoff.clue_id)
                                .values(subjects=named))
        uow.commit()
    monkeypatch.setattr(repository, "LIST_LIMIT", 1)
    page, listed = _listed(desk, "/office/handoffs?state=open&overdue=1&subject="
                                 "郧阳区城关镇人民政府")
    assert listed == [numbers[2]] and "只列出" not in page
    page, listed = _listed(desk, "/office/handoffs?state=open&overdue=1&subject=城关镇政府")
    assert listed == []  # resolved: the directory's name, not the one sent
    page, listed = _listed(desk, "/office/handoffs?state=open&overdue=1&subject="
                                 "郧阳区交通运输局")
    assert listed == [numbers[0]] and "只列出期限最紧迫的 1 项" in page
    exported = desk.office.get("/office/handoffs/export?state=open&overdue=1&subject="
                               "郧阳区交通运输局")
    sheet = load_workbook(BytesIO(exported.content), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 2
