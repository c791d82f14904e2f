"""A stored clue as the API shows it (the `ClueOut` shape): reporter data masked."""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    return values_json(clue.id, {name: getattr(clue, name) for name in _SHOWN})


_SHOWN = ("received_at", "status", "source_ref", "channel", "reported_at", "title", "content",
          "category", "category_source", "region_code", "region_source", "subjects",
          "references", "reporter_masked", "urgency", "attachments", "extra")


def values_json(clue_id: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """`clue_json` of a clue from its column values (a clue just recorded is answered from
    the values it was recorded with, not read back)."""
    received_at = values["received_at"]
    return {
        "id": clue_no(clue_id, received_at),
        "status": values["status"],
        "received_at": received_at.astimezone(OFFICE_ZONE).isoformat(),
        "source_ref": values["source_ref"],
        "channel": values["channel"],
        "reported_at": values["reported_at"].astimezone(OFFICE_ZONE).isoformat(),
        "title": values["title"],
        "content": values["content"],
        "category": values["category"],
        "category_source": values["category_source"],
        "region_code": values["region_code"],
        "region_source": values["region_source"],
        # As sent: the directory's resolution is the office's, outside the contract's shape.
        "subjects": sent_subjects(values["subjects"]),
        "references": values["references"] or [],
        "reporter": values["reporter_masked"],
        "urgency": values["urgency"],
        "attachments": values["attachments"] or [],
        "extra": values["extra"] or {},
    }
