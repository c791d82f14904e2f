"""Petition (信访件) -> shared schema v1. Pure: no I/O, no clock."""

from __future__ import annotations

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

CHANNEL = "petition"
# 问题类别 about unlawful acts of government bodies -> category.
CATEGORIES = {"行政执法": "enforcement", "行政不作为": "official_conduct",
              "征地拆迁": "decision", "政务服务": "public_service"}
NOT_CLUE_PURPOSES = frozenset({"意见建议"})
GROUP_IMPORTANT, GROUP_URGENT = 5, 20  # 集体访: people in one petition
EXTRA_FIELDS = ("信访形式", "信访人数", "问题属地", "涉及单位", "问题类别", "信访目的", "办理状态")


def is_clue(category: str | None, purpose: str | None) -> bool:
    """Petitions about unlawful acts or inaction of government bodies, not mere suggestions.

    A missing 问题类别 counts in favour: reviewers can still decline.
    """
    if purpose in NOT_CLUE_PURPOSES:
        return False
    return category is None or category in CATEGORIES


def urgency(people: str | None) -> str:
    count = int(people) if people and people.isdigit() else 1
    if count >= GROUP_URGENT:
        return "urgent"
    return "important" if count >= GROUP_IMPORTANT else "normal"


def to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """The submission for a petition, None when it is not a clue; MappingError if malformed."""
    native = NativeRecord(record)
    number = native.identifier("信访件编号")
    reported_at = native.moment("登记日期")
    content = native.required("反映问题")
    category = native.text("问题类别")
    if not is_clue(category, native.text("信访目的")):
        return None
    concerned = native.text("涉及单位")
    region_code = first_region(native.text("问题属地"), concerned, content)
    form = native.text("信访形式")
    return submission(
        source_ref=number,
        channel=CHANNEL,
        reported_at=reported_at,
        title=title(f"信访（{form}）" if form else "信访",
                    first_sentence(content.removeprefix("信访人反映，"))),
        content=content,
        category=CATEGORIES.get(category or ""),
        region_code=region_code,
        subjects=[subject(concerned, near=region_code)] if concerned else [],
        references=ticket_reference(number),
        reporter=reporter(native.text("信访人"), native.phone("联系电话"),
                          native.id_number("证件号码")),
        urgency=urgency(native.text("信访人数")),
        extra=native.extra(EXTRA_FIELDS),
    )
