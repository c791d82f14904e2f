"""The opaque paging cursor of the agencies' lists (`next_cursor` / `cursor`): a row's
(updated_at, id), the key the lists are ordered by."""

from __future__ import annotations

import base64
from datetime import datetime

import orjson

from hub.errors import FieldError, InvalidInput


def encode_cursor(updated_at: datetime, row_id: int) -> str:
    key = [updated_at.isoformat(), row_id]
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, last_id = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), int(last_id)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise InvalidInput([FieldError(["query", "cursor"],
                                       "翻页游标（cursor）无效，请使用上一页返回的 next_cursor")]) from None
