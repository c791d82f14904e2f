"""Dates as partner systems write them, read into aware datetimes in China time (+08:00).

Accepted: ISO 8601 (`2026-10-08`, `2026-10-08 09:30:00`, `2026-10-08T09:30:00+08:00`),
slashes or dots (`2026/10/8 9:30`), Chinese (`2026年10月8日`, `2026年10月8日 9时30分`,
`二〇二六年十月八日`), `20261008`, full-width digits in any of them, and `date`/`datetime`
objects as spreadsheets give them. Anything else raises ValueError.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8))

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?"
)
_SLASH = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_CHINESE = re.compile(
    r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]"
    r"(?: ?(上午|下午|晚上)? ?(\d{1,2})(?:[:时点](?:(\d{1,2})分?)?(?::?(\d{1,2})秒?)?)?)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CN_SMALL = re.compile(r"[一二三四五六七八九十]{1,3}(?=[月日号时点分秒])")


def parse_local_datetime(value: object) -> datetime:
    """An aware datetime (+08:00) from a partner's date or date-time; ValueError if none."""
    if isinstance(value, datetime):
        return _as_china(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=CHINA_TZ)
    if not isinstance(value, str):
        raise ValueError(f"日期应为文本，实际为 {type(value).__name__}")
    text = _normalized(value)
    for pattern, build in ((_ISO, _from_iso), (_SLASH, _from_slash),
                           (_CHINESE, _from_chinese), (_COMPACT, _from_compact)):
        match = pattern.fullmatch(text)
        if match:
            try:
                return build(match)
            except OverflowError:
                break
    raise ValueError(f"无法识别的日期时间：{value[:40]!r}")


def parse_local_date(value: object) -> date:
    """The calendar date (China time) of a partner's date or date-time."""
    return parse_local_datetime(value).date()


def to_rfc3339(moment: datetime) -> str:
    """`2026-10-08T09:30:00+08:00`: RFC 3339 in China time, to the second."""
    return _as_china(moment).isoformat(timespec="seconds")


def _normalized(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip()
    text = re.sub(r"\s+", " ", text)
    text = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)
    return _CN_SMALL.sub(lambda m: str(_small_number(m.group(0))), text)


def _small_number(text: str) -> int:
    """一 … 三十一 (months, days, hours, minutes); a bad form gives a number `date` refuses."""
    if "十" not in text:
        return int(text.translate(_CN_DIGITS)) if len(text) == 1 else 99
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or "十" in ones or len(ones) > 1:
        return 99
    return int(tens.translate(_CN_DIGITS) or 1) * 10 + int(ones.translate(_CN_DIGITS) or 0)


def _as_china(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(CHINA_TZ)


def _int(text: str | None) -> int:
    return int(text) if text else 0


def _from_iso(m: re.Match[str]) -> datetime:
    fraction = (m.group(7) or "").ljust(6, "0")[:6]
    moment = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), _int(m.group(4)),
                      _int(m.group(5)), _int(m.group(6)), _int(fraction))
    offset = m.group(8)
    if not offset:
        return moment.replace(tzinfo=CHINA_TZ)
    if offset == "Z":
        return moment.replace(tzinfo=UTC).astimezone(CHINA_TZ)
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    zone = timezone(delta if offset[0] == "+" else -delta)  # ValueError beyond ±24 h
    return moment.replace(tzinfo=zone).astimezone(CHINA_TZ)


def _from_slash(m: re.Match[str]) -> datetime:
    return datetime(int(m.group(1)), int(m.group(3)), int(m.group(4)), _int(m.group(5)),
                    _int(m.group(6)), _int(m.group(7)), tzinfo=CHINA_TZ)


def _from_chinese(m: re.Match[str]) -> datetime:
    hour = _int(m.group(5))
    if m.group(4) in ("下午", "晚上") and 1 <= hour < 12:
        hour += 12
    return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), hour,
                    _int(m.group(6)), _int(m.group(7)), tzinfo=CHINA_TZ)


def _from_compact(m: re.Match[str]) -> datetime:
    return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=CHINA_TZ)
