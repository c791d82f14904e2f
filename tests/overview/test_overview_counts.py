"""The overview's figures (工作台) on each backend: pending clues, my work, hand-offs due
within three working days, overdue hand-offs by receiver and by subject unit with their
days, failed deliveries, clusters that grew this week, and the trends; each figure equals
the rows of the list it links to, fetched from the live hub."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select, update

from hub.accounts.models import OfficeUser
from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.correlate.models import ClusterLink
from hub.db.types import utcnow
from hub.handoffs.models import Handoff
from hub.intake.present import parse_clue_no
from hub.notify.models import WebhookDelivery
from hub.overview import service
from hub.review import service as review
from hub.workdays import shanghai_today
from tests.handoffs.conftest import BUREAU, COMMISSION


def _principal(hub) -> OfficePrincipal:  # noqa: ANN001
    with hub.uow(write=False) as uow:
        li = uow.session.scalar(select(OfficeUser).where(OfficeUser.username == "li"))
        return OfficePrincipal(li.id, li.username, li.display_name, li.role, "", "")


def _days_before(calendar, today: date, working_days: int) -> date:  # noqa: ANN001
    day = today
    while calendar.working_days_between(day, today) < working_days:
        day -= timedelta(days=1)
    return day


def _rows(desk, href: str) -> int:  # noqa: ANN001
    """How many rows the list behind a figure shows (the office's HTML page)."""
    page = desk.office.get(href, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    body = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr[ >]", body)) - body.count('class="empty"')


def _exported(desk, href: str) -> int:  # noqa: ANN001
    """How many rows the .xlsx export of a hand-off list holds (the list's filters kept)."""
    path, _, query = href.partition("?")
    answer = desk.office.get(f"{path}/export?{query}")
    assert answer.status_code == 200, answer.text
    sheet = load_workbook(BytesIO(answer.content), read_only=True).active
    return sum(1 for _ in sheet.iter_rows(min_row=2))


def _figures(view: service.Overview) -> dict[str, service.Figure]:
    return {f.label: f for f in view.figures}


def test_each_figure_counts_the_list_it_links_to(desk):
    hub = desk.hub
    clues = desk.pending_clues(4)
    late, soon, reply_late = (desk.handoff("assign", COMMISSION), desk.handoff("assign", COMMISSION),
                              desk.handoff("assign", BUREAU))
    assert len(clues) == 4
    today = shanghai_today()
    user = _principal(hub)
    with hub.uow() as uow:
        calendar = load_calendar(uow.session)
        five_ago = _days_before(calendar, today, 5)
        one_ago = _days_before(calendar, today, 1)
        next_day = calendar.add_working_days(today, 1)
        for number, values in (
                (late, {"due_on": five_ago, "reply_due_on": None}),
                (soon, {"due_on": next_day, "reply_due_on": None}),
                (reply_late, {"reply_due_on": one_ago, "due_on": today + timedelta(days=40)})):
            uow.session.execute(update(Handoff).where(Handoff.number == number).values(**values))
        agency_id = uow.session.scalar(select(Handoff.agency_id).where(Handoff.number == late))
        uow.session.add(WebhookDelivery(delivery_id="d" * 36, event_key="test:1",
                                        agency_id=agency_id, event="handoff.created",
                                        payload={}, state="failed", attempts=8))
        review.assign_owner(uow.session, user, parse_clue_no(clues[0])[1], None, "page")
        uow.commit()

    with hub.uow(write=False) as uow:
        view = service.overview(uow.session, user, today=today)
    figures = _figures(view)
    assert figures["待研判线索"].count == 4  # seven sent, three handed off
    assert figures["我的待办"].count == 1
    assert figures["3 个工作日内到期的移交"].count == 1
    assert figures["逾期未办结的移交"].count == 2
    assert figures["推送失败的回调"].count == 1
    assert [(g.name, g.count, g.most_days) for g in view.by_receiver] == [
        (COMMISSION, 1, 5), (BUREAU, 1, 1)]
    assert [(g.count, g.most_days) for g in view.by_subject] == [(2, 5)]

    # Every number is the count of the list it links to.
    for figure in view.figures:
        if figure.href == "/office/mine":
            page = desk.office.get(figure.href, headers={"Accept": "text/html"}).text
            assert f"我的待办 <small>{figure.count} 项</small>" in page
        else:
            assert _rows(desk, figure.href) == figure.count, figure
    for group in view.by_receiver + view.by_subject:
        assert _rows(desk, group.href) == group.count, group
        assert _exported(desk, group.href) == group.count, group  # the export keeps the filter
    for figure in view.figures:
        if figure.href.startswith("/office/handoffs?"):
            assert _exported(desk, figure.href) == figure.count, figure
        page = desk.office.get(group.href, headers={"Accept": "text/html"}).text
        assert f"逾期 {group.most_days} 个工作日" in page

    # Trends: the seven clues today (court), one completion deadline passed unclosed.
    received = view.trends["received"]
    assert received["days"][-1] == today.isoformat() and len(received["days"]) == 30
    assert sum(sum(s["data"]) for s in received["series"]) == 7
    assert len(received["series"]) == 1  # one channel: the court
    assert sum(view.trends["handoffs"]["overdue"]) == 1
    assert sum(view.trends["handoffs"]["closed"]) == 0


def test_clusters_that_grew_this_week(desk):
    hub = desk.hub
    desk.pending_clues(3)  # the same matter three times: one cluster, joined today
    today = shanghai_today()
    user = _principal(hub)
    with hub.uow(write=False) as uow:
        grown = service.overview(uow.session, user, today=today).clusters
    assert grown, "three reports of one matter make a cluster"
    for cluster in grown:
        assert cluster["joined"] >= 1 and cluster["members"] >= 2
        assert _rows(desk, cluster["href"]) == cluster["members"]
    # Links made before this week began: nothing grew this week.
    with hub.uow() as uow:
        uow.session.execute(update(ClusterLink).values(
            created_at=utcnow() - timedelta(days=today.weekday() + 2)))
        uow.commit()
    with hub.uow(write=False) as uow:
        assert service.overview(uow.session, user, today=today).clusters == []


def test_roles_see_the_figures_of_the_lists_they_may_open(desk):
    hub = desk.hub
    admin = desk.user("admin1", "admin")
    reviewer = desk.user("zhao", "reviewer")
    with hub.uow(write=False) as uow:
        people = {u.username: u for u in uow.session.scalars(select(OfficeUser))}
        as_admin = service.overview(uow.session, OfficePrincipal(
            people["admin1"].id, "admin1", "admin1", "admin", "", ""), today=shanghai_today())
        as_reviewer = service.overview(uow.session, OfficePrincipal(
            people["zhao"].id, "zhao", "zhao", "reviewer", "", ""), today=shanghai_today())
    assert "逾期未办结的移交" not in _figures(as_admin) and "推送失败的回调" in _figures(as_admin)
    assert "逾期未办结的移交" in _figures(as_reviewer)
    assert "推送失败的回调" not in _figures(as_reviewer)
    for client in (admin, reviewer):
        page = client.get("/office/", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "工作台" in page.text
        client.close()


def test_a_bad_filter_on_the_hand_off_list_is_a_chinese_error(desk):
    answer = desk.office.get("/office/handoffs?due=明天", headers={"Accept": "text/html"})
    assert answer.status_code == 422 and "到期天数应为 1 至 60 的工作日数" in answer.text
