"""Worked examples for the working-day calendar (SPEC section 5, FACTS "Chinese working days")."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from hub.workdays import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    DayInfo,
    DayKind,
    Override,
    WorkCalendar,
    coverage_message,
    shanghai_today,
)

D = date
NEW_YEAR_2027 = Override(D(2027, 1, 1), "holiday", "元旦")


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


# -- the example: National Day 2026 --------------------------------------------------


def test_national_day_2026_five_working_days(cal: WorkCalendar) -> None:
    # 09-30 is the sending day (not counted); 10-01..10-07 holiday; then
    # 10-08 Thu=1, 10-09 Fri=2, 10-10 Sat make-up=3, (10-11 Sun rest), 10-12 Mon=4, 10-13 Tue=5.
    assert cal.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    steps = [cal.add_working_days(D(2026, 9, 30), k) for k in range(1, 6)]
    assert steps == [
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),
        D(2026, 10, 12),
        D(2026, 10, 13),
    ]
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5


def test_national_day_2026_day_info(cal: WorkCalendar) -> None:
    for day in range(1, 8):
        info = cal.info(D(2026, 10, day))
        assert (info.is_workday, info.kind, info.name, info.source) == (
            False,
            DayKind.HOLIDAY,
            "国庆节",
            "package",
        )
    assert cal.info(D(2026, 10, 10)) == DayInfo(
        D(2026, 10, 10), True, DayKind.WORKDAY, "调休上班", "package"
    )
    assert cal.info(D(2026, 10, 11)) == DayInfo(
        D(2026, 10, 11), False, DayKind.WEEKEND, "周末", "package"
    )
    assert cal.info(D(2026, 10, 12)) == DayInfo(
        D(2026, 10, 12), True, DayKind.WORKDAY, "工作日", "package"
    )


# -- Spring Festival 2026 ---------------------------------------------------------------------


def test_spring_festival_2026(cal: WorkCalendar) -> None:
    for offset in range(9):  # 02-15 .. 02-23
        day = D(2026, 2, 15) + timedelta(days=offset)
        assert not cal.is_workday(day), day
        assert cal.info(day).name == "春节"
    for makeup in (D(2026, 2, 14), D(2026, 2, 28)):  # both Saturdays
        assert makeup.weekday() == 5
        assert cal.is_workday(makeup)
        assert cal.info(makeup).name == "调休上班"
    assert not cal.is_workday(D(2026, 3, 1))  # an ordinary Sunday
    # 02-13 Fri=1, 02-14 Sat (make-up)=2, then nothing until 02-24 Tue=3, 25=4, 26=5.
    assert cal.add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert cal.next_working_day(D(2026, 2, 14)) == D(2026, 2, 24)
    assert cal.previous_working_day(D(2026, 2, 24)) == D(2026, 2, 14)


def test_all_2026_makeup_days_from_facts(cal: WorkCalendar) -> None:
    for day in (
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ):
        assert day.weekday() >= 5
        assert cal.info(day) == DayInfo(day, True, DayKind.WORKDAY, "调休上班", "package")


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 1, 1), "元旦"),
        (D(2026, 2, 17), "春节"),
        (D(2025, 4, 4), "清明节"),
        (D(2026, 5, 1), "劳动节"),
        (D(2025, 5, 31), "端午节"),
        (D(2024, 9, 17), "中秋节"),
        (D(2026, 10, 1), "国庆节"),
        (D(2015, 9, 3), "抗战胜利纪念日"),
    ],
)
def test_holiday_names_in_chinese(cal: WorkCalendar, day: date, name: str) -> None:
    info = cal.info(day)
    assert (info.is_workday, info.kind, info.name) == (False, DayKind.HOLIDAY, name)


def test_agrees_with_package_for_every_day_it_knows(cal: WorkCalendar) -> None:
    day, end = D(PACKAGE_FIRST_YEAR, 1, 1), D(PACKAGE_LAST_YEAR, 12, 31)
    while day <= end:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert (PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR) == (2004, 2026)  # chinese-calendar 1.11.0


# -- crossing into 2027, which the package does not know ------------------------------------


def test_new_year_2027_without_overrides(cal: WorkCalendar) -> None:
    # Weekend rule: 12-29=1, 12-30=2, 12-31=3, 2027-01-01 Fri=4, 01-04 Mon=5.
    assert cal.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 4)
    assert cal.info(D(2027, 1, 1)) == DayInfo(
        D(2027, 1, 1), True, DayKind.WORKDAY, "工作日", "weekend-rule"
    )
    assert cal.info(D(2027, 1, 2)).source == "weekend-rule"
    assert cal.info(D(2027, 1, 2)).kind == DayKind.WEEKEND
    assert cal.year_status(2027) == "unknown"
    assert cal.coverage_warning(D(2026, 12, 28), D(2027, 1, 4)) == (
        "2027 年的法定节假日尚未录入，截止日期仅按周末和已录入的假日计算，"
        "请管理员录入 2027 年节假日安排"
    )
    assert cal.coverage_warning(D(2026, 9, 30), D(2026, 10, 13)) is None
    assert cal.uncertain_years(D(2028, 3, 1), D(2026, 12, 1)) == [2027, 2028]  # either order


def test_new_year_2027_with_admin_override() -> None:
    cal = WorkCalendar([NEW_YEAR_2027])
    assert cal.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)  # shifted by one day
    assert cal.info(D(2027, 1, 1)) == DayInfo(
        D(2027, 1, 1), False, DayKind.HOLIDAY, "元旦", "admin"
    )
    # Entered but not declared complete: still warned about.
    assert cal.year_status(2027) == "unknown"
    assert cal.coverage_warning(D(2026, 12, 28), D(2027, 1, 5)) is not None
    declared = WorkCalendar([NEW_YEAR_2027], known_years=[2027])
    assert declared.year_status(2027) == "admin"
    assert declared.coverage_warning(D(2026, 12, 28), D(2027, 1, 5)) is None
    assert declared.coverage_warning(D(2027, 12, 28), D(2028, 1, 5)) == coverage_message([2028])


def test_admin_makeup_workday_in_unknown_year() -> None:
    cal = WorkCalendar([Override(D(2027, 1, 9), "workday")])  # a Saturday
    assert cal.info(D(2027, 1, 9)) == DayInfo(
        D(2027, 1, 9), True, DayKind.WORKDAY, "调休上班", "admin"
    )
    assert cal.add_working_days(D(2027, 1, 8), 1) == D(2027, 1, 9)
    holiday = WorkCalendar([Override(D(2027, 2, 8), "holiday")])
    assert holiday.info(D(2027, 2, 8)).name == "节假日"


# -- administrator overrides beat the package -------------------------------------------------


def test_override_beats_package() -> None:
    cal = WorkCalendar(
        [
            Override(D(2026, 10, 8), "holiday", "国庆节（延长）"),  # a package workday
            Override(D(2026, 10, 10), "holiday", ""),  # a package make-up day
            Override(D(2026, 10, 7), "workday", "更正"),  # a package holiday
        ]
    )
    assert cal.info(D(2026, 10, 8)) == DayInfo(
        D(2026, 10, 8), False, DayKind.HOLIDAY, "国庆节（延长）", "admin"
    )
    assert not cal.is_workday(D(2026, 10, 10))
    assert cal.info(D(2026, 10, 7)).source == "admin"
    assert cal.is_workday(D(2026, 10, 7))
    # 10-07=1, 10-09=2, 10-12=3, 10-13=4, 10-14=5
    assert cal.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 14)
    assert cal.info(D(2026, 10, 9)).source == "package"  # neighbours untouched
    assert cal.year_status(2026) == "package"


def test_conflicting_overrides_are_refused() -> None:
    with pytest.raises(ValueError, match="同时被录入为放假和上班"):
        WorkCalendar([Override(D(2027, 1, 1), "holiday"), Override(D(2027, 1, 1), "workday")])
    same = WorkCalendar(
        [Override(D(2027, 1, 1), "holiday", "元旦"), Override(D(2027, 1, 1), "holiday")]
    )
    assert same.info(D(2027, 1, 1)).name == "元旦"


def test_override_validation() -> None:
    with pytest.raises(ValueError):
        Override(D(2027, 1, 1), "rest")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Override(datetime(2027, 1, 1, tzinfo=UTC), "holiday")
    assert Override(D(2027, 1, 1), DayKind.HOLIDAY).kind == "holiday"  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        WorkCalendar([(D(2027, 1, 1), "holiday")])  # type: ignore[list-item]


# -- counting edge cases ----------------------------------------------------------------------


def test_counting_edges(cal: WorkCalendar) -> None:
    assert cal.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert cal.add_working_days(D(2026, 10, 11), 1) == D(2026, 10, 12)  # sent on a Sunday
    assert cal.add_working_days(D(2026, 10, 13), -5) == D(2026, 9, 30)  # 12, 10, 9, 8, 09-30
    assert cal.working_days_between(D(2026, 10, 13), D(2026, 9, 30)) == -5
    assert cal.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    # days overdue: deadline 10-13 Tue, today Sat 10-17 -> 10-14, 10-15, 10-16
    assert cal.working_days_between(D(2026, 10, 13), D(2026, 10, 17)) == 3
    assert cal.previous_working_day(D(2026, 10, 8)) == D(2026, 9, 30)
    assert cal.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)
    assert cal.previous_working_day(D(2026, 10, 12)) == D(2026, 10, 10)  # make-up Saturday
    with pytest.raises(TypeError):
        cal.add_working_days(datetime(2026, 9, 30, tzinfo=UTC), 5)
    with pytest.raises(TypeError):
        cal.add_working_days(D(2026, 9, 30), 5.0)  # type: ignore[arg-type]


def test_calendar_range_ends(cal: WorkCalendar) -> None:
    assert cal.is_workday(D(9999, 12, 31))  # a Friday, weekend rule
    assert cal.is_workday(D(1, 1, 1))
    assert cal.year_status(2003) == "unknown"


# -- the office clock -------------------------------------------------------------------------


def test_shanghai_today() -> None:
    # 2026-09-30 16:30 UTC is already 10-01 00:30 in Shanghai.
    assert shanghai_today(datetime(2026, 9, 30, 16, 30, tzinfo=UTC)) == D(2026, 10, 1)
    assert shanghai_today(datetime(2026, 9, 30, 15, 59, tzinfo=UTC)) == D(2026, 9, 30)
    assert isinstance(shanghai_today(), date)
    with pytest.raises(ValueError):
        shanghai_today(datetime(2026, 9, 30, 16, 30))


# -- speed ------------------------------------------------------------------------------------


def test_add_working_days_is_fast(cal: WorkCalendar) -> None:
    starts = [D(2026, 9, 30) + timedelta(days=k) for k in range(100)]
    for start in starts:  # warm the year tables
        cal.add_working_days(start, 30)
    t0 = time.perf_counter()
    for start in starts * 20:
        cal.add_working_days(start, 30)
    per_call = (time.perf_counter() - t0) / (len(starts) * 20)
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} µs per call"
