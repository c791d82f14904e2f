"""Per-agency rate limits: a token bucket per agency, in each API process.

`HUB_RATE_LIMIT_PER_SECOND` tokens flow in per second up to `HUB_RATE_LIMIT_BURST`; each
request takes one. With `hub api --processes N` every process keeps its own buckets, so an
agency may reach N times the rate in total: set the rate per process accordingly. A rate of
0 turns the limit off.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from hub.errors import TooManyRequests


class RateLimiter:
    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}  # agency id -> (tokens, at)

    def take(self, agency_id: int, name: str) -> None:
        """Take one token, or TooManyRequests saying when the next one comes."""
        if self.rate <= 0:
            return
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(agency_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[agency_id] = (tokens - 1, now)
                return
            self._buckets[agency_id] = (tokens, now)
        wait = max(1, math.ceil((1 - tokens) / self.rate))
        raise TooManyRequests(
            f"“{name}”的请求过于频繁：每秒最多 {self.rate:g} 次（突发 {self.burst} 次），"
            f"请 {wait} 秒后重试", retry_after=wait)
