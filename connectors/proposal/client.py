"""Reading proposals from the proposal-handling system's export API."""

from __future__ import annotations

import httpx

from ..base import Page, RetryPolicy, fetch_records_page

RECORDS_PATH = "/records"


def fetch_page(
    http: httpx.Client, cursor: str | None, limit: int, *, retry: RetryPolicy | None = None
) -> Page:
    """One page of proposals after `cursor` (None: from the beginning)."""
    return fetch_records_page(http, RECORDS_PATH, cursor, limit, retry=retry)
