"""What every connector is made of, and the one HTTP layer they share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import (
    ConnectorError,
    MappingError,
    PartnerProtocolError,
    PartnerRejected,
    PartnerUnavailable,
)
from .http import DEFAULT_RETRY, RETRY_STATUSES, RetryPolicy, get_json, make_client
from .paging import Page, fetch_records_page

Mapper = Callable[[dict[str, Any]], dict[str, Any] | None]
FetchPage = Callable[[httpx.Client, str | None, int], Page]


@dataclass(frozen=True)
class ConnectorSpec:
    """One partner system: how to reach it, how to read it, how to stand in for it."""

    name: str  # e.g. "hotline"; also the name in `hub simulate NAME` and configuration
    channel: str  # the shared schema's channel of every clue it yields
    display_name_zh: str  # e.g. "12345政务服务便民热线"
    source_ref_field: str  # the native field that identifies a record, e.g. "工单编号"
    simulator: Callable[..., Any]  # create_app(seed=1, total=500, page_size=50) -> FastAPI
    generate_records: Callable[..., list[Any]]  # the simulator's records without HTTP
    to_clue: Mapper
    fetch_page: FetchPage
    columns: Mapping[str, str]  # spreadsheet header (and aliases) -> native field
    # 办理结果回复: the partner takes the verified outcome back on its record. `reply(outcome)`
    # is pure: the hub's outcome (`connectors._common.reply.OutcomeReply`) -> the native body
    # posted to `reply_path` (with `{ref}`, the record's id). None: no write-back.
    reply: Callable[[Any], dict[str, Any]] | None = None
    reply_path: str = "/records/{ref}/replies"


__all__ = [
    "DEFAULT_RETRY",
    "RETRY_STATUSES",
    "ConnectorError",
    "ConnectorSpec",
    "FetchPage",
    "Mapper",
    "MappingError",
    "Page",
    "PartnerProtocolError",
    "PartnerRejected",
    "PartnerUnavailable",
    "RetryPolicy",
    "fetch_records_page",
    "get_json",
    "make_client",
]
