"""Why a clue is in its cluster, in Chinese words for the reviewer. Pure.

A link's `reasons` is what the decision or the reviewer left (hub.correlate.decide):
`{"text": 0.82, "shared": ["subject:…", "case_number:…", "region:420322"], "conflicts": […],
"linked_to": 12}`, or `{"merged_from": 3}` / `{"split_from": 3}` / `{"attached_from": None}`
for a reviewer's operation.
"""

from __future__ import annotations

from typing import Any

SHARED_LABELS = {
    "case_number": "案号相同", "document_number": "文号相同", "subject": "被反映单位相同",
    "credit_code": "信用代码相同", "region": "属地相同", "place": "地点相同",
    "organization": "涉及同一组织", "person": "涉及同一人员",
}
CONFLICT_LABELS = {"subject": "被反映单位不同", "named_things": "所述地点或当事方不同"}


def shared_words(reasons: dict[str, Any], region_name: Any = None) -> list[str]:
    """`["案号相同：(2023)鄂0322行初15号", "属地相同：郧西县"]`."""
    words = []
    for item in reasons.get("shared") or []:
        kind, _, value = str(item).partition(":")
        if kind == "region" and region_name is not None:
            value = region_name(value)
        words.append(f"{SHARED_LABELS.get(kind, kind)}：{value}")
    return words


def explain(reasons: dict[str, Any] | None, score: float | None, linked_by: str,
            region_name: Any = None) -> dict[str, Any]:
    """A link as the page shows it: who made it, the score, text similarity, shared fields."""
    reasons = reasons or {}
    made_by = "系统自动关联" if linked_by == "system" else f"{linked_by.removeprefix('user:')} 手工操作"
    operation = None
    if "merged_from" in reasons:
        operation = f"由线索组 {reasons['merged_from']} 合并而来"
    elif "split_from" in reasons:
        operation = f"从线索组 {reasons['split_from']} 拆分而来"
    elif "attached_from" in reasons:
        previous = reasons["attached_from"]
        operation = "手工加入" + (f"（原在线索组 {previous}）" if previous else "")
    elif "opened_by" in reasons:
        operation = "作为合并目标建组"
    text = reasons.get("text")
    return {
        "made_by": made_by,
        "operation": operation,
        "score": score,
        "text_similarity": text,
        "shared": shared_words(reasons, region_name),
        "conflicts": [CONFLICT_LABELS.get(c.split(":")[0], c) for c in reasons.get("conflicts") or []],
        "linked_to": reasons.get("linked_to"),
    }
