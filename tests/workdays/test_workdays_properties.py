"""Property tests: add_working_days and working_days_between are inverses."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.workdays import Override, WorkCalendar

PLAIN = WorkCalendar()
ADMIN_2027 = WorkCalendar(
    [
        Override(date(2027, 1, 1), "holiday", "元旦"),
        *(Override(date(2027, 2, 6) + timedelta(days=k), "holiday", "春节") for k in range(9)),
        Override(date(2027, 2, 20), "workday", "调休上班"),
        Override(date(2026, 10, 9), "holiday", "测试更正"),  # beats the package
    ],
    known_years=[2027],
)

calendars = st.sampled_from([PLAIN, ADMIN_2027])
starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(cal=calendars, start=starts, n=counts)
def test_between_inverts_add(cal: WorkCalendar, start: date, n: int) -> None:
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    assert cal.working_days_between(end, start) == -n
    if n > 0:
        assert end > start
        assert cal.is_workday(end)
        # nothing earlier would do: the day before the result has one working day fewer
        assert cal.working_days_between(start, end - timedelta(days=1)) == n - 1
    else:
        assert end == start


@settings(max_examples=200, deadline=None)
@given(cal=calendars, start=starts, n=counts)
def test_add_is_monotonic_and_steps_through_next(cal: WorkCalendar, start: date, n: int) -> None:
    here = cal.add_working_days(start, n)
    assert cal.add_working_days(start, n + 1) == cal.next_working_day(here)
    assert cal.next_working_day(here) > here


@settings(max_examples=200, deadline=None)
@given(cal=calendars, start=starts, n=counts)
def test_backwards_from_a_working_day(cal: WorkCalendar, start: date, n: int) -> None:
    anchor = cal.next_working_day(start)  # a working day
    back = cal.add_working_days(anchor, -n)
    assert cal.working_days_between(anchor, back) == -n
    assert cal.add_working_days(back, n) == anchor
    if n > 0:
        assert cal.is_workday(back)
    assert cal.previous_working_day(cal.next_working_day(anchor)) == anchor


@settings(max_examples=200, deadline=None)
@given(cal=calendars, a=starts, b=starts)
def test_between_counts_days(cal: WorkCalendar, a: date, b: date) -> None:
    lo, hi = sorted((a, b))
    expected = sum(cal.is_workday(lo + timedelta(days=k)) for k in range(1, (hi - lo).days + 1))
    assert cal.working_days_between(lo, hi) == expected
    assert cal.working_days_between(hi, lo) == -expected
    assert cal.info(a).is_workday == cal.is_workday(a)
