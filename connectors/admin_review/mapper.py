"""Administrative review decision (复议决定书) -> shared schema v1. Pure: no I/O, no clock."""

from __future__ import annotations

from typing import Any

from .._common.clue import (
    document_reference,
    first_region,
    reporter,
    subject,
    submission,
    title,
)
from .._common.record import NativeRecord

CHANNEL = "admin_review"
# Decisions that corrected the respondent's act; 维持, 驳回 and 终止 did not.
CORRECTED = frozenset({"撤销", "部分撤销", "变更", "确认违法", "确认无效", "责令履行"})
STILL_TO_ACT = frozenset({"责令履行"})  # the body has yet to do what it failed to do
EXTRA_FIELDS = ("复议机关", "复议事项", "原行政行为", "原行政行为文号", "收件日期", "决定类型")


def to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """A decision that corrected a body's act; None when the act was upheld."""
    native = NativeRecord(record)
    number = native.document_number("文号", required=True)
    reported_at = native.moment("决定日期")
    respondent = native.required("被申请人")
    content = native.required("决定要旨")
    decision = native.required("决定类型")
    if decision not in CORRECTED:
        return None
    act = native.text("原行政行为") or native.text("复议事项") or "行政行为"
    region_code = first_region(native.text("复议机关"), respondent)
    return submission(
        source_ref=str(number),
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(f"行政复议决定{decision}", f"{respondent}{act}"),
        content=content,
        category="review_correction",
        region_code=region_code,
        subjects=[subject(respondent, native.credit_code("被申请人统一社会信用代码"), region_code)],
        references=document_reference(number)
        + document_reference(native.document_number("原行政行为文号")),
        reporter=reporter(native.text("申请人")),
        urgency="important" if decision in STILL_TO_ACT else "normal",
        extra=native.extra(EXTRA_FIELDS),
    )
