"""Moments for simulated records: office hours on days between 2024 and autumn 2026."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

FIRST_DAY = date(2024, 1, 2)
LAST_DAY = date(2026, 9, 30)  # well before "now", which the shared schema insists on


def moment(rng: random.Random, first: date = FIRST_DAY, last: date = LAST_DAY) -> datetime:
    """A naive China-time moment during office hours (08:00–17:59)."""
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    return datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59),
                    rng.randint(0, 59))


def iso_datetime(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def iso_date(value: date | datetime) -> str:
    return value.strftime("%Y-%m-%d")
