"""Valid clue submissions to start from; tests change one thing at a time."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

_serial = itertools.count(1)

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(body: str = "11420300MB1234567") -> str:
    """Append the GB 32100 check character to 17 characters."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def id_number(body: str = "42032219800101123") -> str:
    """Append the GB 11643 check digit to 17 digits."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def clue(**overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    data: dict[str, Any] = {
        "source_ref": f"FY-2026-{n:06d}",
        "channel": "court",
        "reported_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        "title": "郧西县自然资源和规划局行政处罚被判决撤销",
        "content": "(2023)鄂0322行初15号 原告某公司诉郧西县自然资源和规划局行政处罚一案，"
                   "法院认为被告认定事实不清、程序违法，判决撤销被诉行政处罚决定。",
        "subjects": [{"name": "郧西县自然资源和规划局", "credit_code": credit_code()}],
        "references": [{"kind": "case_number", "value": "(2023)鄂0322行初15号"}],
        "reporter": {"name": "张三", "phone": "13812345678", "id_number": id_number(),
                     "anonymous": False},
        "urgency": "important",
    }
    data.update(overrides)
    return data
