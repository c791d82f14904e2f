"""The shared date parser: every format partner systems write, and nothing but ValueError."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors._common.dates import CHINA_TZ, parse_local_datetime, to_rfc3339

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CN_DIGITS = "〇一二三四五六七八九"
DATEISH = "0123456789０１２３４５６７８９年月日号时点分秒-/.:T+Z 〇一二三四五六七八九十上午下午"


def cn_small(number: int) -> str:
    tens, ones = divmod(number, 10)
    return {0: "", 1: "十"}.get(tens, CN_DIGITS[tens] + "十") + (CN_DIGITS[ones] if ones else "")


STYLES = {
    "iso": lambda m: m.strftime("%Y-%m-%d %H:%M:%S"),
    "iso_t_offset": lambda m: m.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
    "iso_z": lambda m: m.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "slash": lambda m: f"{m.year}/{m.month}/{m.day} {m.hour}:{m.minute:02d}",
    "chinese": lambda m: f"{m.year}年{m.month}月{m.day}日",
    "chinese_time": lambda m: f"{m.year}年{m.month}月{m.day}日 {m.hour}时{m.minute}分",
    "chinese_numerals": lambda m: "".join(CN_DIGITS[int(d)] for d in str(m.year))
    + f"年{cn_small(m.month)}月{cn_small(m.day)}日",
    "compact": lambda m: m.strftime("%Y%m%d"),
}
PRECISION = {"iso": "s", "iso_t_offset": "s", "iso_z": "s", "slash": "m", "chinese": "d",
             "chinese_time": "m", "chinese_numerals": "d", "compact": "d"}

moments = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda m: m.replace(microsecond=0, tzinfo=CHINA_TZ))


def truncated(moment: datetime, precision: str) -> datetime:
    if precision == "d":
        return moment.replace(hour=0, minute=0, second=0)
    return moment.replace(second=0) if precision == "m" else moment


def parses_or_refuses(text: str) -> None:
    try:
        parsed = parse_local_datetime(text)
    except ValueError:
        return
    assert parsed.utcoffset() == CHINA_TZ.utcoffset(None)


@given(st.text(max_size=40))
def test_any_text_gives_a_moment_or_a_value_error(text):
    parses_or_refuses(text)


@given(st.text(alphabet=DATEISH, max_size=30))
def test_date_like_text_gives_a_moment_or_a_value_error(text):
    parses_or_refuses(text)


@given(moments, st.sampled_from(sorted(STYLES)), st.booleans(),
       st.sampled_from(["", " ", "\u3000"]))
def test_valid_dates_round_trip_in_every_style(moment, style, fullwidth, padding):
    text = STYLES[style](moment)
    if fullwidth:
        text = text.translate(FULLWIDTH)
    parsed = parse_local_datetime(padding + text + padding)
    assert parsed == truncated(moment, PRECISION[style])
    assert parse_local_datetime(to_rfc3339(parsed)) == parsed


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年10月8日", "2026-10-08T00:00:00+08:00"),
    ("2026/10/8 9:30", "2026-10-08T09:30:00+08:00"),
    ("２０２６年１０月８日", "2026-10-08T00:00:00+08:00"),
    ("2026年10月8日下午3:05", "2026-10-08T15:05:00+08:00"),
    ("2026.10.08", "2026-10-08T00:00:00+08:00"),
    ("二〇二六年十月八日", "2026-10-08T00:00:00+08:00"),
    ("2026-10-08T01:30:00Z", "2026-10-08T09:30:00+08:00"),
    ("2026-10-08 09:30:00.250", "2026-10-08T09:30:00+08:00"),
])
def test_the_formats_partners_write(text, expected):
    assert to_rfc3339(parse_local_datetime(text)) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "2026年13月8日", "2026/6/31 9:30", "0000-00-00",
                                  "待补录", "", "2026-10-08 24:00", "2026-10-08T09:30+25:00"])
def test_impossible_dates_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_local_datetime(text)


def test_spreadsheet_dates_and_datetimes_are_read_in_china_time():
    assert parse_local_datetime(date(2026, 10, 8)).isoformat() == "2026-10-08T00:00:00+08:00"
    assert parse_local_datetime(datetime(2026, 10, 8, 9, 30)).hour == 9
    assert parse_local_datetime(datetime(2026, 10, 8, 1, 30, tzinfo=UTC)).hour == 9
    with pytest.raises(ValueError):
        parse_local_datetime(45291)
