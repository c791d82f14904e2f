"""A rule in Chinese words for the rules page: its conditions and its action. Pure."""

from __future__ import annotations

from typing import Any

import yaml

from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.normalize.classify import FIELD_LABELS
from hub.route.language import (
    ACTION_LABELS,
    REFERENCE_LABELS,
    URGENCY_LABELS,
    Rule,
    region_name,
)


def _either(labels: dict[str, str], codes: list[str]) -> str:
    return "或".join(f"“{labels.get(code, code)}”" for code in codes)


def _words(words: list[str]) -> str:
    return "、".join(f"“{word}”" for word in words)


def conditions(rule: Rule) -> list[str]:
    """Each condition of `when` as a line, in the order the rule checks them."""
    when, lines = rule.when, []
    if when.channel:
        lines.append(f"渠道为{_either(CHANNEL_LABELS, when.channel)}")
    if when.category:
        lines.append(f"问题类别为{_either(CATEGORY_LABELS, when.category)}")
    if when.field:
        lines.append(f"执法领域为{_either(FIELD_LABELS, when.field)}")
    if when.urgency:
        lines.append(f"紧急程度不低于“{URGENCY_LABELS[when.urgency]}”")
    if when.region:
        lines.append("地区在" + "或".join(f"{region_name(p)}（{p}）" for p in when.region) + "范围内")
    if when.has_reference:
        lines.append(f"引用了{_either(REFERENCE_LABELS, when.has_reference)}")
    if when.subject:
        s = when.subject
        parts = ([f"名称包含{_words(s.name_contains)}之一"] if s.name_contains else []) + \
                ([f"名称为{_words(s.name_equals)}之一"] if s.name_equals else []) + \
                ([f"信用代码为 {'、'.join(s.credit_code)}"] if s.credit_code else [])
        lines.append("被反映单位" + "，或".join(parts))
    if when.keywords:
        k = when.keywords
        if k.any_of:
            lines.append(f"标题或内容出现{_words(k.any_of)}中任一个")
        if k.all_of:
            lines.append(f"标题或内容同时出现{_words(k.all_of)}")
        if k.none_of:
            lines.append(f"标题和内容均不出现{_words(k.none_of)}")
    return lines


def action(rule: Rule) -> str:
    then = rule.then
    target = then.target or ("线索的第一个被反映单位" if then.target_from else None)
    said = f"建议{ACTION_LABELS[then.action]}" + (f"：{target}" if target else "")
    return said + (f"（理由：{then.reason}）" if then.reason else "")


def line_of(text: str, loc: list[Any]) -> int | None:
    """The line (from 1) of the YAML text where the value at `loc` is written, or the line of
    the deepest part of `loc` that exists (a missing key: the mapping it belongs in)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
