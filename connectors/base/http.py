"""The one HTTP layer for pulling from partner systems: a client factory and `get_json`.

`get_json` retries what may pass (408, 429, 500, 502, 503, 504 and network errors) with
capped exponential back-off and jitter, waits as long as a `Retry-After` header says, and
turns everything else into the typed errors of `connectors.base.errors`.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from .errors import PartnerProtocolError, PartnerRejected, PartnerUnavailable

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
USER_AGENT = "clue-hub-connector/1"
_SECONDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")
_DETAIL_MAX = 200

logger = logging.getLogger("hub.connectors.http")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. `sleep` and `random` are seams for tests."""

    max_attempts: int = 5
    base_delay: float = 0.5  # seconds before the 2nd attempt; doubles each time
    max_delay: float = 30.0  # cap of the back-off before jitter (Retry-After is not capped)
    jitter: float = 0.25  # up to this fraction of the delay is added at random
    max_retry_after: float = 300.0  # a partner asking for longer is given up on at once
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, attempt: int) -> float:
        """The delay after failed attempt number `attempt` (1-based) without a Retry-After."""
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return delay * (1 + self.jitter * self.random())


DEFAULT_RETRY = RetryPolicy()


def make_client(
    base_url: str,
    timeout: float = 10.0,
    headers: Mapping[str, str] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The httpx client every connector uses to reach its partner."""
    return httpx.Client(
        base_url=base_url,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        transport=transport,
        follow_redirects=False,
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delay-seconds or HTTP-date), else None.

    Never raises: a header we cannot read is as good as no header.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" in a date means UTC with no claim about local time
        when = when.replace(tzinfo=UTC)
    try:
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except OverflowError:
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def get_json(
    http: httpx.Client,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> Any:
    """GET `path` and return the decoded JSON body, retrying what may pass."""
    policy = retry or DEFAULT_RETRY
    query = {k: v for k, v in (params or {}).items() if v is not None}
    status: int | None = None
    retry_after: float | None = None
    for attempt in range(1, policy.max_attempts + 1):
        try:
            response = http.get(path, params=query)
        except httpx.DecodingError as exc:
            raise PartnerProtocolError(f"合作方系统返回的内容无法解码（{exc}）") from None
        except httpx.TransportError as exc:
            status, retry_after, reason = None, None, type(exc).__name__
        else:
            if response.is_success:
                return _decode(response)
            status, reason = response.status_code, f"HTTP {response.status_code}"
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            _refuse_final(response, attempt, retry_after, policy)
        if attempt == policy.max_attempts:
            break
        delay = retry_after if retry_after is not None else policy.backoff(attempt)
        logger.info("hub.connectors.http.retry", extra={"fields": {
            "path": path, "attempt": attempt, "reason": reason, "delay": round(delay, 3)}})
        policy.sleep(delay)
    shown = f"HTTP {status}" if status is not None else "网络错误"
    raise PartnerUnavailable(
        f"合作方系统暂不可用：尝试 {policy.max_attempts} 次均失败（最后一次：{shown}）",
        attempts=policy.max_attempts, status=status, retry_after=retry_after,
    )


def _refuse_final(
    response: httpx.Response, attempt: int, retry_after: float | None, policy: RetryPolicy
) -> None:
    """Raise at once for an answer that retrying cannot fix."""
    status = response.status_code
    if status in RETRY_STATUSES:
        if retry_after is not None and retry_after > policy.max_retry_after:
            raise PartnerUnavailable(
                f"合作方系统要求 {retry_after:.0f} 秒后再试，超过上限 {policy.max_retry_after:.0f} 秒",
                attempts=attempt, status=status, retry_after=retry_after,
            )
        return
    detail = response.text[:_DETAIL_MAX]
    if 400 <= status < 500:
        raise PartnerRejected(
            f"合作方系统拒绝了请求（HTTP {status}）", status=status, detail=detail
        )
    if status >= 500:
        raise PartnerUnavailable(
            f"合作方系统出错（HTTP {status}），该错误重试无效", attempts=attempt, status=status
        )
    raise PartnerProtocolError(f"合作方系统返回了意外的状态码 HTTP {status}")


def _decode(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise PartnerProtocolError(
            f"合作方系统返回的内容不是有效的 JSON（{response.headers.get('content-type', '未注明类型')}）"
        ) from None
