"""12345 work order (工单) -> shared schema v1. Pure: no I/O, no clock."""

from __future__ import annotations

import re
from typing import Any

from .._common.clue import (
    first_region,
    reporter,
    subject,
    submission,
    ticket_reference,
    title,
)
from .._common.record import NativeRecord
from .._common.text import first_sentence

CHANNEL = "hotline"
# 问题分类 (the platform's own classification) -> category, for the kinds that are clues.
CATEGORIES = {"行政执法": "enforcement", "营商环境": "business_environment",
              "政务服务": "public_service"}
CLUE_KINDS = frozenset({"投诉", "举报"})
URGENCY = {"一般": "normal", "较急": "important", "紧急": "urgent", "特急": "urgent"}
EXTRA_FIELDS = ("诉求类型", "问题分类", "工单来源", "承办单位", "诉求地址", "紧急程度", "办理状态")
_LEAD_IN = re.compile(r"^(来电人|市民|群众|网友)(反映|举报|投诉|称|来电)[，,：:]?")


def is_clue(kind: str | None, kind_of_issue: str | None) -> bool:
    """Complaints and reports about enforcement, business environment or public services.

    A missing 诉求类型 or 问题分类 counts in favour: reviewers can still decline.
    """
    if kind is not None and kind not in CLUE_KINDS:
        return False
    return kind_of_issue is None or kind_of_issue in CATEGORIES


def to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """The submission for a work order, None when it is not a clue; MappingError if malformed."""
    native = NativeRecord(record)
    ticket = native.identifier("工单编号")
    reported_at = native.moment("来电时间")
    content = native.required("诉求内容")
    kind, kind_of_issue = native.text("诉求类型"), native.text("问题分类")
    if not is_clue(kind, kind_of_issue):
        return None
    handler = native.text("承办单位")
    region_code = first_region(native.text("诉求地址"), handler, content)
    return submission(
        source_ref=ticket,
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(f"12345{kind or '诉求'}", first_sentence(_LEAD_IN.sub("", content))),
        content=content,
        category=CATEGORIES.get(kind_of_issue or ""),
        region_code=region_code,
        subjects=[subject(handler, near=region_code)] if handler else [],
        references=ticket_reference(ticket),
        reporter=reporter(native.text("来电人"), native.phone("联系电话")),
        urgency=URGENCY.get(native.text("紧急程度") or "", "normal"),
        extra=native.extra(EXTRA_FIELDS),
    )
