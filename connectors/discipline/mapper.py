"""Discipline commission problem clue (问题线索) -> shared schema v1. Pure: no I/O, no clock.

The person reported on (反映对象) is not passed on: the office inspects bodies, and the
discipline commission keeps the person; the unit and position say where to look.
"""

from __future__ import annotations

import re
from typing import Any

from .._common.clue import first_region, subject, submission, ticket_reference, title
from .._common.record import NativeRecord

CHANNEL = "discipline"
# 问题类别 of conduct in rule-of-law work -> category. Personal conduct (八项规定, 廉洁纪律,
# 生活纪律, 组织纪律) stays with the discipline commission.
CATEGORIES = {
    "不作为慢作为": "official_conduct", "不作为": "official_conduct",
    "慢作为": "official_conduct", "乱作为": "official_conduct",
    "干预执法司法": "official_conduct", "滥用职权": "official_conduct",
    "违规执法": "enforcement", "选择性执法": "enforcement", "违法决策": "decision",
}
IMPORTANT_DISPOSALS = frozenset({"立案审查", "初步核实"})
EXTRA_FIELDS = ("线索来源", "单位职务", "问题类别", "处置方式", "办理状态")
# The unit is the shortest head of 单位职务 ending like a body's name; 分局 first, so that
# 十堰市生态环境局郧西分局 is not cut at its first 局.
_UNIT = re.compile(r"^(.+?分局|.+?(?:人民政府|办事处|委员会|支队|大队|局|院|中心))")


def is_clue(category: str | None) -> bool:
    """Conduct in rule-of-law work; a missing 问题类别 counts in favour."""
    return category is None or category in CATEGORIES


def split_unit(unit_and_position: str) -> tuple[str, str]:
    """`郧西县市场监督管理局执法大队大队长` -> (`郧西县市场监督管理局`, `执法大队大队长`)."""
    match = _UNIT.match(unit_and_position)
    if not match:
        return unit_and_position, ""
    return match.group(1), unit_and_position[match.end() :]


def to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """The submission for a problem clue, None when not about rule-of-law work."""
    native = NativeRecord(record)
    number = native.identifier("线索编号")
    reported_at = native.moment("受理日期")
    content = native.required("线索摘要")
    category = native.text("问题类别")
    if not is_clue(category):
        return None
    unit_and_position = native.text("单位职务")
    unit, position = split_unit(unit_and_position) if unit_and_position else (None, "")
    region_code = first_region(unit, content)
    return submission(
        source_ref=number,
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(f"纪委监委线索（{category or '未分类'}）", f"{unit or ''}{position}" or None),
        content=content,
        category=CATEGORIES.get(category or ""),
        region_code=region_code,
        subjects=[subject(unit, near=region_code)] if unit else [],
        references=ticket_reference(number),
        urgency="important" if native.text("处置方式") in IMPORTANT_DISPOSALS else "normal",
        extra=native.extra(EXTRA_FIELDS),
    )
