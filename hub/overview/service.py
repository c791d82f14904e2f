"""The overview's figures (工作台). Each figure is counted by the function that fills the list
it links to (the all-clues list, 我的待办, the hand-off list and its filters, the failed
deliveries), so the number on the overview is the number of rows the list shows.

    overview(session, user, today=…)  → Overview (what the page shows; trends for charts)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.contract.v1 import CHANNEL_LABELS
from hub.handoffs import office as handoffs
from hub.handoffs.repository import OfficeFilter
from hub.intake.present import clue_no
from hub.notify import dispatch
from hub.overview import repository
from hub.review import repository as review_repository
from hub.review import service as review

OFFICE_ZONE = ZoneInfo("Asia/Shanghai")
DUE_SOON_DAYS = 3  # working days
TREND_DAYS = 30
TREND_WEEKS = 8


@dataclass(frozen=True)
class Figure:
    """A number and the list behind it."""

    label: str
    count: int
    href: str
    more: bool = False  # more than the list counts (the all-clues list stops at its cap)


@dataclass(frozen=True)
class Overdue:
    """Overdue hand-offs of one receiver or one subject unit."""

    name: str
    count: int
    most_days: int  # the most working days one of them is overdue
    href: str


@dataclass
class Overview:
    figures: list[Figure]
    by_receiver: list[Overdue] = field(default_factory=list)
    by_subject: list[Overdue] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    sees_handoffs: bool = False
    week_from: date | None = None
    trends: dict[str, Any] = field(default_factory=dict)


def _link(path: str, **params: Any) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def overview(session: Session, user: OfficePrincipal, *, today: date) -> Overview:
    """What the overview shows this user: only figures whose lists the user may open."""
    figures = []
    pending = review_repository.QueueFilter(status="pending_review")
    cap = review_repository.COUNT_CAP
    count = review_repository.count(session, pending, cap)
    figures.append(Figure("待研判线索", min(count, cap), _link("/office/clues",
                                                              status="pending_review"),
                          more=count > cap))
    figures.append(Figure("我的待办", review.my_work(session, user).total, "/office/mine"))
    calendar = load_calendar(session)
    result = Overview(figures, sees_handoffs=handoffs.can_see(user))
    if result.sees_handoffs:
        soon = handoffs.listing(session, OfficeFilter("open", due_within=DUE_SOON_DAYS),
                                today=today, calendar=calendar)
        figures.append(Figure(f"{DUE_SOON_DAYS} 个工作日内到期的移交", len(soon),
                              _link("/office/handoffs", due=DUE_SOON_DAYS), more=soon.more))
        late = handoffs.listing(session, OfficeFilter("open", overdue=True), today=today,
                                calendar=calendar)
        figures.append(Figure("逾期未办结的移交", len(late), _link("/office/handoffs", overdue=1),
                              more=late.more))
        result.by_receiver, result.by_subject = _overdue_groups(late)
    if user.role in dispatch.WEBHOOK_ROLES:
        figures.append(Figure("推送失败的回调", dispatch.count_failed(session),
                              "/office/webhooks"))
    result.week_from = today - timedelta(days=today.weekday())
    result.clusters = [
        {"id": c.cluster_id, "number": clue_no(c.lead_clue_id, c.lead_received_at),
         "title": c.lead_title, "members": c.members, "joined": c.joined,
         "href": _link("/office/clues", cluster=c.cluster_id)}
        for c in repository.grown_clusters(session, _start_of(result.week_from))]
    result.trends = trends(session, today=today, with_handoffs=result.sees_handoffs)
    return result


def _overdue_groups(rows: list[handoffs.ListedHandoff]) -> tuple[list[Overdue], list[Overdue]]:
    """Overdue hand-offs by receiver and by each subject unit of their clue, most first."""
    receivers: dict[str, list[int]] = defaultdict(list)
    subjects: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        receivers[row.handoff.receiver_name].append(row.days_overdue)
        for name in row.subjects:
            subjects[name].append(row.days_overdue)

    def listed(groups: dict[str, list[int]], key: str) -> list[Overdue]:
        out = [Overdue(name, len(days), max(days),
                       _link("/office/handoffs", overdue=1, **{key: name}))
               for name, days in groups.items()]
        return sorted(out, key=lambda g: (-g.count, -g.most_days, g.name))

    return listed(receivers, "to"), listed(subjects, "subject")


def _start_of(day: date) -> datetime:
    """The moment a Beijing day begins, in UTC."""
    return datetime.combine(day, time(), OFFICE_ZONE).astimezone(UTC)


def trends(session: Session, *, today: date, with_handoffs: bool = True) -> dict[str, Any]:
    """The charts' data: clues received per day over 30 days by channel; hand-offs closed
    and hand-offs that passed their completion deadline unclosed, per week over 8 weeks."""
    first = today - timedelta(days=TREND_DAYS - 1)
    days = [(first + timedelta(days=n)).isoformat() for n in range(TREND_DAYS)]
    per: dict[str, dict[str, int]] = defaultdict(dict)
    for day, channel, n in repository.clues_per_day(session, _start_of(first)):
        per[channel][day] = per[channel].get(day, 0) + n
    series = [{"name": CHANNEL_LABELS.get(channel, channel),
               "data": [counts.get(day, 0) for day in days]}
              for channel, counts in sorted(per.items(), key=lambda kv: -sum(kv[1].values()))]
    out: dict[str, Any] = {"received": {"days": days, "series": series}}
    if not with_handoffs:
        return out
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    closed = dict.fromkeys(weeks, 0)
    for day, n in repository.closed_per_day(session, _start_of(weeks[0])):
        week = _monday(date.fromisoformat(day))
        if week in closed:
            closed[week] += n
    late = dict.fromkeys(weeks, 0)
    for due, closed_at in repository.completion_deadlines(session, weeks[0], today):
        closed_on = closed_at.astimezone(OFFICE_ZONE).date() if closed_at else None
        if (closed_on is None and due < today) or (closed_on is not None and closed_on > due):
            late[_monday(due)] += 1
    out["handoffs"] = {"weeks": [f"{w.month}月{w.day}日" for w in weeks],
                       "closed": [closed[w] for w in weeks],
                       "overdue": [late[w] for w in weeks]}
    return out


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
