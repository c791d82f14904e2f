"""Procuratorate recommendation (检察建议书) -> shared schema v1. Pure: no I/O, no clock."""

from __future__ import annotations

from typing import Any

from .._common.clue import document_reference, first_region, subject, submission, title
from .._common.record import NativeRecord

CHANNEL = "procuratorate"
ON_TIME = frozenset({"已按期回复", "按期回复"})
NOT_RECTIFIED = frozenset({"未整改", "部分整改"})
RECTIFICATION_PROBLEMS = {"未整改": "未落实检察建议整改", "部分整改": "检察建议仅部分整改"}
EXTRA_FIELDS = ("发文单位", "建议类型", "回复期限", "回复日期", "回复情况", "整改情况")


def answered_on_time(native: NativeRecord) -> bool:
    """By 回复情况, or when that is missing, by 回复日期 against 回复期限."""
    state = native.text("回复情况")
    if state is not None:
        return state in ON_TIME
    replied, deadline = native.day("回复日期"), native.day("回复期限")
    return replied is not None and deadline is not None and replied <= deadline


def problem(native: NativeRecord, on_time: bool) -> tuple[str, str]:
    """What is wrong, and how urgent it is."""
    state = native.text("回复情况") or ("逾期回复" if native.text("回复日期") else "逾期未回复")
    if not on_time:
        return ("逾期回复检察建议", "important") if state == "逾期回复" else (
            "逾期未回复检察建议", "urgent")
    return RECTIFICATION_PROBLEMS.get(native.text("整改情况") or "", "未落实检察建议"), "important"


def to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """A recommendation not answered on time, or answered but not rectified; else None."""
    native = NativeRecord(record)
    number = native.document_number("文号", required=True)
    reported_at = native.moment("发出日期")
    body = native.required("被建议单位")
    content = native.required("建议内容")
    on_time = answered_on_time(native)
    if on_time and native.text("整改情况") not in NOT_RECTIFIED:
        return None
    what, urgency = problem(native, on_time)
    region_code = first_region(native.text("发文单位"), body)
    return submission(
        source_ref=str(number),
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(f"{body}{what}", str(number), separator="："),
        content=content,
        category="recommendation_compliance",
        region_code=region_code,
        subjects=[subject(body, native.credit_code("被建议单位统一社会信用代码"), region_code)],
        references=document_reference(number),
        urgency=urgency,
        extra=native.extra(EXTRA_FIELDS),
    )
