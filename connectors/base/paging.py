"""One page of native records, as every partner's `GET /records` answers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from .errors import PartnerProtocolError
from .http import RetryPolicy, get_json


@dataclass(frozen=True)
class Page:
    """Records in the partner's update order, and where to continue.

    `next_cursor` is None when the partner had nothing after the cursor sent: the puller is
    caught up and resumes later from that same cursor, which then yields what was added since.
    """

    records: list[dict[str, Any]]
    next_cursor: str | None


def fetch_records_page(
    http: httpx.Client,
    path: str,
    cursor: str | None,
    limit: int,
    *,
    retry: RetryPolicy | None = None,
) -> Page:
    """GET `path?cursor=&limit=` and check the answer has the agreed shape."""
    body = get_json(http, path, {"cursor": cursor, "limit": limit}, retry=retry)
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise PartnerProtocolError("合作方系统的返回内容缺少 records 列表")
    records = body["records"]
    bad = next((i for i, record in enumerate(records) if not isinstance(record, dict)), None)
    if bad is not None:
        raise PartnerProtocolError(f"合作方系统返回的第 {bad + 1} 条记录不是对象")
    next_cursor = body.get("next_cursor")
    if next_cursor is not None and (not isinstance(next_cursor, str) or not next_cursor):
        raise PartnerProtocolError("合作方系统返回的 next_cursor 应为非空字符串或 null")
    if next_cursor is None and records:
        raise PartnerProtocolError("合作方系统返回了记录却没有给出 next_cursor")
    return Page(records=records, next_cursor=next_cursor)
