"""Court case -> shared schema v1. Pure: no I/O, no clock.

Two kinds of record: administrative cases (行初/行终 …) in which a government body is the
defendant, and enforcement cases (执 …) in which a government body is enforced against.
"""

from __future__ import annotations

from typing import Any

from hub.normalize.codes import CaseNumber

from .._common.clue import (
    case_reference,
    first_region,
    region_of_court,
    reporter,
    subject,
    submission,
    title,
)
from .._common.record import NativeRecord

CHANNEL = "court"
LOST = frozenset({"撤销", "部分撤销", "确认违法", "责令履行", "变更", "确认无效"})
ABSENT = frozenset({"否", "未出庭", "N", "0"})
# 案由 -> category, when the government side lost.
CAUSE_CATEGORIES = {"不履行法定职责": "official_conduct", "行政征收": "decision",
                    "行政协议": "decision", "政府信息公开": "public_service",
                    "行政许可": "public_service"}
ADMIN_EXTRA = ("案件类别", "审理法院", "案由", "裁判结果", "负责人是否出庭", "出庭负责人",
               "立案日期")
ENFORCEMENT_EXTRA = ("案件类别", "执行法院", "执行依据", "执行标的金额", "执行状态")


def to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """A lost case, an absent responsible official, or enforcement against a body; else None."""
    native = NativeRecord(record)
    case = native.case_number("案号", required=True)
    if case.is_enforcement:
        return _enforcement(native, case)
    if case.is_administrative:
        return _administrative(native, case)
    return None  # civil and criminal cases are not the office's concern


def _administrative(native: NativeRecord, case: CaseNumber) -> dict[str, Any] | None:
    reported_at = native.moment("裁判日期")
    defendant = native.required("被告")
    result = native.required("裁判结果")
    lost, absent = result in LOST, native.text("负责人是否出庭") in ABSENT
    if not lost and not absent:
        return None  # the government side won and its responsible official appeared
    cause = native.text("案由")
    region_code = region_of_court(case) or first_region(native.text("审理法院"), defendant)
    problems = ([f"判决{result}"] if lost else []) + (["行政机关负责人未出庭应诉"] if absent else [])
    return submission(
        source_ref=str(case),
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(f"{defendant}{cause or '行政'}案", "，".join(problems)),
        content=native.text("裁判摘要") or f"{case}：原告诉被告{defendant}，{'，'.join(problems)}。",
        category=CAUSE_CATEGORIES.get(cause or "", "enforcement") if lost else "official_conduct",
        region_code=region_code,
        subjects=[subject(defendant, native.credit_code("被告统一社会信用代码"), region_code)],
        references=case_reference(case),
        reporter=reporter(native.text("原告")),
        urgency="important" if lost and absent else "normal",
        extra=native.extra(ADMIN_EXTRA),
    )


def _enforcement(native: NativeRecord, case: CaseNumber) -> dict[str, Any]:
    reported_at = native.moment("立案日期")
    enforced = native.required("被执行人")
    amount = _ten_thousands(native.text("执行标的金额"))
    region_code = region_of_court(case) or first_region(native.text("执行法院"), enforced)
    return submission(
        source_ref=str(case),
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(f"{enforced}被申请强制执行",
                    f"执行标的{amount}万元" if amount else None),
        content=native.text("案情摘要") or f"{case}：{enforced}未履行生效法律文书确定的义务。",
        category="judgment_compliance",
        region_code=region_code,
        subjects=[subject(enforced, native.credit_code("被执行人统一社会信用代码"), region_code)],
        references=case_reference(case) + case_reference(native.case_number("执行依据")),
        reporter=reporter(native.text("申请执行人")),
        urgency="important" if native.text("执行状态") == "终结本次执行" else "normal",
        extra=native.extra(ENFORCEMENT_EXTRA),
    )


def _ten_thousands(yuan: str | None) -> str | None:
    """`125000.00` -> `12.5`; None when missing or not a number."""
    try:
        return f"{float((yuan or '').replace(',', '')) / 10000:g}" if yuan else None
    except ValueError:
        return None
