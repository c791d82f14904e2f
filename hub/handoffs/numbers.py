"""Hand-off numbers: `JB-<office year of creation>-<id, 6 digits>` (like clues' `XS-…`)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

_NUMBER = re.compile(r"^JB-(\d{4})-(\d{6,})$")
OFFICE_ZONE = ZoneInfo("Asia/Shanghai")


def handoff_no(handoff_id: int, created_at: datetime) -> str:
    return f"JB-{created_at.astimezone(OFFICE_ZONE).year}-{handoff_id:06d}"


def parse_handoff_no(value: str) -> tuple[int, int] | None:
    match = _NUMBER.match(value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None
