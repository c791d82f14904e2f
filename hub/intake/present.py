"""A stored clue as the API shows it (the `ClueOut` shape): reporter data masked."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hub.db.models import Clue
from hub.directory.subjects import sent_subjects

_CLUE_NO = re.compile(r"^XS-(\d{4})-(\d{6,})$")
# Times leave the API in the office's zone, whatever offset they arrived with.
OFFICE_ZONE = ZoneInfo("Asia/Shanghai")


def clue_no(clue_id: int, received_at: datetime) -> str:
    """`XS-<year received, office time>-<number>`."""
    return f"XS-{received_at.astimezone(OFFICE_ZONE).year}-{clue_id:06d}"


def parse_clue_no(value: str) -> tuple[int, int] | None:
    """`XS-2026-000123` -> (2026, 123); None when it is not a clue number."""
    match = _CLUE_NO.match(value)
    return (int(match.group(1)), int(match.group(2))) if match else None


def clue_json(clue: Clue) -> dict[str, Any]:
    return {
        "id": clue_no(clue.id, clue.received_at),
        "status": clue.status,
        "received_at": clue.received_at.astimezone(OFFICE_ZONE).isoformat(),
        "source_ref": clue.source_ref,
        "channel": clue.channel,
        "reported_at": clue.reported_at.astimezone(OFFICE_ZONE).isoformat(),
        "title": clue.title,
        "content": clue.content,
        "category": clue.category,
        "category_source": clue.category_source,
        "region_code": clue.region_code,
        "region_source": clue.region_source,
        # As sent: the directory's resolution is the office's, outside the contract's shape.
        "subjects": sent_subjects(clue.subjects),
        "references": clue.references or [],
        "reporter": clue.reporter_masked,
        "urgency": clue.urgency,
        "attachments": clue.attachments or [],
        "extra": clue.extra or {},
    }
