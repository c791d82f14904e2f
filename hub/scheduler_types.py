"""What a periodic job is: an id, a function of no arguments, and its trigger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], Any]
    trigger: str = "interval"  # "interval" or "cron" (APScheduler triggers)
    args: dict[str, Any] = field(default_factory=dict)  # e.g. {"seconds": 5}, {"hour": 8}
