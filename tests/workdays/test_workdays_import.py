"""Importing the administrator's holiday list from text / CSV."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.workdays import Override, WorkCalendar, format_override_lines, parse_override_lines

GOOD = """\ufeff# 2027 年部分节假日安排
日期,类型,名称

2027-01-01,holiday,元旦
2027-02-06 , holiday , 春节   # 除夕
2027/2/20,workday,调休上班
2027年2月21日，上班，"春节调休"
2027-05-01\t放假
2027-05-02,HOLIDAY,,
"""


def test_parse_good_input() -> None:
    assert parse_override_lines(GOOD) == [
        Override(date(2027, 1, 1), "holiday", "元旦"),
        Override(date(2027, 2, 6), "holiday", "春节"),
        Override(date(2027, 2, 20), "workday", "调休上班"),
        Override(date(2027, 2, 21), "workday", "春节调休"),
        Override(date(2027, 5, 1), "holiday", ""),
        Override(date(2027, 5, 2), "holiday", ""),
    ]
    assert parse_override_lines("") == []
    assert parse_override_lines("# nothing\n\n   \n") == []
    assert parse_override_lines("2027-01-01,holiday,元旦\r\n") == [
        Override(date(2027, 1, 1), "holiday", "元旦")
    ]


def test_parsed_list_feeds_the_calendar() -> None:
    cal = WorkCalendar(parse_override_lines(GOOD), known_years=[2027])
    assert cal.add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 5)
    assert cal.info(date(2027, 2, 21)).name == "春节调休"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-01", r"^第 1 行：应为“日期,类型,名称”"),
        ("\n# c\n2027-13-01,holiday", r"^第 3 行：日期“2027-13-01”不存在"),
        ("2027-02-30,holiday", r"^第 1 行：日期“2027-02-30”不存在"),
        ("01/01/2027,holiday", r"^第 1 行：日期“01/01/2027”格式不对"),
        ("2027-01-01,rest,元旦", r"^第 1 行：类型“rest”无法识别"),
        ("2027-01-01,,元旦", r"^第 1 行：缺少类型"),
        ("2027-01-01,holiday,元旦,多余", r"^第 1 行：多出 1 项"),
        ("2027-01-01,holiday,元旦\n2027-1-1,workday", r"^第 2 行：日期 2027-01-01 与第 1 行重复"),
        ("2027-01-01,holiday," + "长" * 51, r"^第 1 行：名称过长（51 字）"),
        ("0000-01-01,holiday", r"^第 1 行：日期“0000-01-01”不存在"),
        (
            "date,kind\ndate,kind",
            r"^第 2 行：日期“date”格式不对",
        ),  # only the first line is a header
    ],
)
def test_parse_bad_input(text: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        parse_override_lines(text)


def test_parse_expected_year() -> None:
    assert len(parse_override_lines("2027-01-01,holiday", year=2027)) == 1
    with pytest.raises(ValueError, match=r"^第 2 行：日期 2026-12-31 不在 2027 年内"):
        parse_override_lines("2027-01-01,holiday\n2026-12-31,holiday", year=2027)


def test_parse_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        parse_override_lines(b"2027-01-01,holiday")  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------------------------

_TOKENS = st.sampled_from(
    [
        "2027-01-01",
        "2027",
        "-",
        "/",
        "年",
        "月",
        "日",
        ",",
        "，",
        "\t",
        "\n",
        "\r",
        "#",
        "＃",
        '"',
        " ",
        "holiday",
        "workday",
        "放假",
        "上班",
        "元旦",
        "date",
        "日期",
        "\ufeff",
        "\x00",
        "13",
        "31",
        "99",
        "0",
        "٣",
        "２０２７",
        "\u2028",
    ]
)
_MESSY = st.one_of(
    st.text(),
    st.lists(st.one_of(_TOKENS, st.text(max_size=3)), max_size=40).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(text=_MESSY)
def test_parse_only_ever_raises_value_error(text: str) -> None:
    try:
        result = parse_override_lines(text)
    except ValueError as exc:
        assert str(exc).startswith("第 ")
        assert " 行：" in str(exc)
    else:
        assert all(isinstance(item, Override) for item in result)
        assert len({item.day for item in result}) == len(result)


_NAMES = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)
_OVERRIDES = st.lists(
    st.builds(
        Override,
        day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
        kind=st.sampled_from(["holiday", "workday"]),
        name=_NAMES,
    ),
    unique_by=lambda o: o.day,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(items=_OVERRIDES)
def test_format_then_parse_round_trips(items: list[Override]) -> None:
    text = format_override_lines(items)
    parsed = parse_override_lines(text)
    assert [(o.day, o.kind) for o in parsed] == sorted((o.day, o.kind) for o in items)
    assert format_override_lines(parsed) == text  # names already safe come back unchanged
    by_day = {o.day: o.name for o in items}
    for item in parsed:
        name = by_day[item.day]
        if name == " ".join(name.split()) and not any(c in name for c in '#＃,，"'):
            assert item.name == name
