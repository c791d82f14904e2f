"""Proposal (人大代表建议 / 政协提案) -> shared schema v1. Pure: no I/O, no clock."""

from __future__ import annotations

from typing import Any

from .._common.clue import first_region, reporter, subject, submission, ticket_reference, title
from .._common.record import NativeRecord

CHANNEL = "proposal"
# 主题分类 -> category, for the themes that concern lawful administration; other themes
# (urban construction, schools, tourism …) are policy suggestions, not clues.
CATEGORIES = {"行政执法": "enforcement", "营商环境": "business_environment",
              "政务服务": "public_service", "规范性文件": "legislation"}
KINDS = {"人大代表建议": "代表建议", "政协委员提案": "委员提案"}
EXTRA_FIELDS = ("类别", "届次", "案由", "代表团或界别", "主题分类", "承办单位", "交办日期",
                "答复期限", "办理状态")


def is_clue(theme: str | None) -> bool:
    """Proposals about enforcement, the business environment, public services or normative
    documents; a missing theme counts in favour (reviewers can still decline)."""
    return theme is None or theme in CATEGORIES


def to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """The submission for a proposal, None when it is not a clue; MappingError if malformed."""
    native = NativeRecord(record)
    number = native.identifier("建议提案编号")
    reported_at = native.moment("交办日期")
    content = native.required("内容")
    theme = native.text("主题分类")
    if not is_clue(theme):
        return None
    native.day("答复期限")  # the reply deadline, kept in extra; a malformed one is dropped
    handler = native.text("承办单位")
    kind = native.text("类别")
    region_code = first_region(native.text("代表团或界别"), handler, content)
    return submission(
        source_ref=number,
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(KINDS.get(kind or "", "建议提案"), native.text("案由") or content[:40]),
        content=content,
        category=CATEGORIES.get(theme or ""),
        region_code=region_code,
        subjects=[subject(handler, near=region_code)] if handler else [],
        references=ticket_reference(number),
        reporter=reporter(native.text("领衔人"), native.phone("联系电话")),
        urgency="normal",
        extra=native.extra(EXTRA_FIELDS),
    )
