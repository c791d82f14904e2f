"""The dirt real partner systems have, applied to clean records at fixed small rates."""

from __future__ import annotations

import random
import re
from typing import Any

MISSING: Any = object()  # a spoiler's answer meaning "drop the field altogether"

_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_ISO_PARTS = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::\d{2})?)?")
_PADDING = (" ", "  ", "\u3000", "\t", " \u3000")

# Chance per record of each kind of dirt.
RESTYLE_DATE_RATE = 0.15  # per date field
FULLWIDTH_RATE = 0.08
PADDING_RATE = 0.10
DROP_OPTIONAL_RATE = 0.08


def restyle_date(value: str, rng: random.Random) -> str:
    """`2026-10-08 09:30:00` as a clerk or an old system writes it."""
    match = _ISO_PARTS.fullmatch(value)
    if not match:
        return value
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    if match.group(4) is None:
        return rng.choice((f"{year}年{month}月{day}日", f"{year}/{month}/{day}",
                           f"{year}.{month}.{day}"))
    hour, minute = int(match.group(4)), match.group(5)
    return rng.choice((f"{year}/{month}/{day} {hour}:{minute}",
                       f"{year}年{month}月{day}日 {hour}时{minute}分",
                       f"{year}年{month}月{day}日{hour}:{minute}"))


def fullwidth_digits(value: str) -> str:
    return value.translate(_FULLWIDTH_DIGITS)


def pad(value: str, rng: random.Random) -> str:
    spaces = rng.choice(_PADDING)
    return value + spaces if rng.random() < 0.7 else spaces + value + spaces


def missing_value(rng: random.Random) -> Any:
    """How a system says "no value": the key absent, an empty string, or null."""
    return rng.choice((MISSING, "", None))


def dirty(
    record: dict[str, Any], rng: random.Random, date_fields: tuple[str, ...],
    optional_fields: tuple[str, ...],
) -> tuple[str, ...]:
    """Soil `record` in place without changing what it means; return the kinds applied."""
    applied = []
    for name in date_fields:
        if isinstance(record.get(name), str) and rng.random() < RESTYLE_DATE_RATE:
            record[name] = restyle_date(record[name], rng)
            applied.append("date_style")
    with_digits = [k for k, v in record.items() if isinstance(v, str) and re.search(r"\d", v)]
    if with_digits and rng.random() < FULLWIDTH_RATE:
        name = rng.choice(with_digits)
        record[name] = fullwidth_digits(record[name])
        applied.append("fullwidth")
    texts = [k for k, v in record.items() if isinstance(v, str) and v]
    if texts and rng.random() < PADDING_RATE:
        name = rng.choice(texts)
        record[name] = pad(record[name], rng)
        applied.append("padding")
    present = [name for name in optional_fields if record.get(name) not in (None, "")]
    if present and rng.random() < DROP_OPTIONAL_RATE:
        set_value(record, rng.choice(present), missing_value(rng))
        applied.append("missing_optional")
    return tuple(applied)


def set_value(record: dict[str, Any], name: str, value: Any) -> None:
    if value is MISSING:
        record.pop(name, None)
    else:
        record[name] = value


# Spoilers: what makes a row one the mapper must refuse.

def blank(value: Any, rng: random.Random) -> Any:
    return rng.choice((MISSING, "", "   ", None))


def impossible_date(value: Any, rng: random.Random) -> str:
    year = str(value)[:4] if str(value)[:4].isdigit() else "2025"
    return rng.choice((f"{year}-02-30", f"{year}年13月8日", f"{year}/6/31 9:30",
                       f"{year}-04-31 10:00:00", "0000-00-00", "待补录"))
