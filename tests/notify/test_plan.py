"""Which reminders a hand-off is owed on a day, in Chinese working days (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.notify.plan import describe, plan
from hub.workdays import Override, WorkCalendar

CAL = WorkCalendar()
NEW_YEAR_2027 = WorkCalendar([Override(date(2027, 1, 1), "holiday", "元旦")], known_years={2027})


@dataclass
class H:
    state: str = "acknowledged"
    returned_by: str | None = None
    reply_due_on: date | None = None
    due_on: date | None = None
    first_replied_at: datetime | None = None


def kinds(handoff: H, day: date, calendar: WorkCalendar = CAL, after: int = 3):
    return [(p.deadline, p.kind, p.overdue_days, p.on_date)
            for p in plan(handoff, day, calendar, after)]


# Sent 2026-09-30 with 5 working days: due 2026-10-13, across National Day and make-up 10-10.
NATIONAL_DAY = H(reply_due_on=date(2026, 10, 13))


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 10, 1), []),  # National Day: nobody is reminded on a holiday
    (date(2026, 10, 10), []),  # the make-up Saturday is a working day, but not the day before
    (date(2026, 10, 11), []),  # Sunday
    (date(2026, 10, 12), [("reply", "before", 0, date(2026, 10, 12))]),
    (date(2026, 10, 13), []),  # the deadline itself: not yet late
    (date(2026, 10, 14), [("reply", "overdue", 1, date(2026, 10, 14))]),
    (date(2026, 10, 16), [("reply", "overdue", 3, date(2026, 10, 16))]),
    (date(2026, 10, 17), []),  # Saturday
    (date(2026, 10, 19), [("reply", "overdue", 4, date(2026, 10, 19)),
                          ("reply", "escalate", 4, date(2026, 10, 19))]),
    # Escalation has one date: later runs name the same day, so it goes out once.
    (date(2026, 10, 20), [("reply", "overdue", 5, date(2026, 10, 20)),
                          ("reply", "escalate", 5, date(2026, 10, 19))]),
])
def test_reminders_across_national_day_2026(day, expected):
    assert kinds(NATIONAL_DAY, day) == expected


def test_the_day_before_a_deadline_after_national_day_is_the_make_up_saturday():
    # Due Monday 10-12: the working day before it is the make-up Saturday 10-10.
    assert kinds(H(due_on=date(2026, 10, 12)), date(2026, 10, 10)) == [
        ("complete", "before", 0, date(2026, 10, 10))]
    assert kinds(H(due_on=date(2026, 10, 12)), date(2026, 10, 9)) == []


def test_new_year_2027_counts_the_administrators_holiday():
    due = H(due_on=date(2026, 12, 31))
    # Nobody has entered 2027: 1 January (a Friday) counts as a working day.
    assert kinds(due, date(2027, 1, 1)) == [("complete", "overdue", 1, date(2027, 1, 1))]
    # The administrator entered 元旦 2027: no reminder that day; Monday is the first late day.
    assert kinds(due, date(2027, 1, 1), NEW_YEAR_2027) == []
    assert kinds(due, date(2027, 1, 4), NEW_YEAR_2027) == [
        ("complete", "overdue", 1, date(2027, 1, 4))]
    # Due Monday 4 January 2027: the day before is Thursday 31 December with the holiday entered.
    monday = H(due_on=date(2027, 1, 4))
    assert kinds(monday, date(2026, 12, 31), NEW_YEAR_2027) == [
        ("complete", "before", 0, date(2026, 12, 31))]
    assert kinds(monday, date(2027, 1, 1)) == [("complete", "before", 0, date(2027, 1, 1))]


def test_a_first_reply_stops_the_reply_clock_but_not_the_completion_clock():
    both = H(reply_due_on=date(2026, 10, 13), due_on=date(2026, 10, 20),
             first_replied_at=datetime(2026, 10, 12, 9, 0))
    assert kinds(both, date(2026, 10, 19)) == [("complete", "before", 0, date(2026, 10, 19))]


@pytest.mark.parametrize(("state", "returned_by", "owed"), [
    ("sent", None, True), ("acknowledged", None, True), ("returned", "office", True),
    ("returned", "receiver", False), ("replied", None, False), ("verified", None, False),
    ("closed", None, False), ("cancelled", None, False)])
def test_only_a_receiver_at_work_is_reminded(state, returned_by, owed):
    handoff = H(state=state, returned_by=returned_by, due_on=date(2026, 10, 13))
    assert bool(kinds(handoff, date(2026, 10, 14))) is owed


def test_the_office_reads_what_is_late_and_by_how_much():
    (overdue, escalate) = plan(NATIONAL_DAY, date(2026, 10, 19), CAL, 3)
    title, body = describe(overdue, "郧西县自然资源和规划局", "JB-2026-000007")
    assert title == "逾期催办：JB-2026-000007 初步反馈已逾期 4 个工作日"
    assert "2026-10-13" in body and "郧西县自然资源和规划局" in body
    assert describe(escalate, "某局", "JB-2026-000007")[0].startswith("督办：")


@settings(max_examples=60, deadline=None)
@given(due=st.dates(date(2026, 1, 5), date(2026, 12, 20)), after=st.integers(0, 6))
def test_each_reminder_date_is_owned_by_one_day(due, after):
    """Over the days around a deadline: one `before`, one `overdue` per working day after
    it, and exactly one escalation, whatever the deadline and threshold."""
    handoff = H(due_on=due)
    seen = []
    day = date.fromordinal(due.toordinal() - 10)
    while day.toordinal() < due.toordinal() + 30:
        seen += [(p.kind, p.on_date) for p in plan(handoff, day, CAL, after)]
        day = date.fromordinal(day.toordinal() + 1)
    assert sum(1 for k, _ in seen if k == "before") == 1
    assert len({d for k, d in seen if k == "escalate"}) == 1
    overdue_days = [d for k, d in seen if k == "overdue"]
    assert len(overdue_days) == len(set(overdue_days)) and all(CAL.is_workday(d) for d in overdue_days)
