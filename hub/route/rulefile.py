"""A rule set as a YAML file the office edits: read (validated, Chinese errors) and written.

Reading refuses what would surprise an editor instead of guessing: a key written twice in
the same place, anchors and aliases (`&`/`*`), and anything the rule language does not know.
Writing puts each value on one line, codes with their Chinese names in a comment, so that
`dump_rule_set` then `load_rule_set` gives back an equal rule set.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.normalize.classify import FIELD_LABELS
from hub.route import messages
from hub.route.language import (
    ACTION_LABELS,
    REFERENCE_LABELS,
    TARGET_FROM_LABELS,
    URGENCY_LABELS,
    Rule,
    RuleSet,
    region_name,
)

MAX_BYTES = 1024 * 1024
_LABELS = {"channel": CHANNEL_LABELS, "category": CATEGORY_LABELS, "field": FIELD_LABELS,
           "has_reference": REFERENCE_LABELS, "urgency": URGENCY_LABELS, "action": ACTION_LABELS,
           "target_from": TARGET_FROM_LABELS}
_YAML_PROBLEMS = [  # (words in PyYAML's problem, the same in Chinese)
    ("mapping values are not allowed", "此处不能出现“键: 值”（缩进不对，或文字中的“: ”需要加引号）"),
    ("'\\t' that cannot start any token", "不能用制表符（Tab）缩进，请用空格"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("found '<stream end>'", "文件意外结束（引号或括号没有闭合？）"),
    ("found unexpected end of stream", "文件意外结束（引号没有闭合？）"),
    ("expected <block end>", "缩进不对（同一级的键或“- ”要对齐）"),
    ("expected ',' or ']'", "方括号列表 [ ] 没有闭合，或项目之间缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 没有闭合，或项目之间缺少逗号"),
    ("found undefined alias", "规则文件中不能使用锚点引用（*别名）"),
]


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and keys written twice in one mapping."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(None, None, "规则文件中不能使用锚点引用（*别名）", mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                continue  # unhashable keys are refused by SafeLoader itself
            if key in seen:
                raise yaml.MarkedYAMLError(None, None, f"键“{key}”在同一处写了两次",
                                           key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_rule_set(text: str | bytes) -> RuleSet:
    """Parse and validate a rule set file. Raises only RuleSetError."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise messages.single(f"规则文件超过 {MAX_BYTES // 1024} KB")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise messages.single("规则文件应为 UTF-8 编码") from None
    if len(text) > MAX_BYTES:
        raise messages.single(f"规则文件超过 {MAX_BYTES // 1024} KB")
    data = _parse(text)
    if not isinstance(data, dict):
        raise messages.single("规则文件应由“name:”“rules:”等键值组成（参见 hub rules export 的输出）")
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise messages.from_validation(exc, data) from None
    except RecursionError:
        raise messages.single("规则文件嵌套过深") from None
    except UnicodeError:  # a lone surrogate written as an escape ("\ud800")
        raise messages.single("规则文件中有无效的 Unicode 转义（\\uD800–\\uDFFF）") from None


def _parse(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = _problem(exc.problem or "")
        place = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark else ""
        raise messages.single(f"YAML 格式有误，{place}{problem}", kind="yaml_invalid") from None
    except yaml.reader.ReaderError as exc:
        raise messages.single(f"规则文件第 {exc.position + 1} 个字符处有不允许的控制字符"
                              f"（#x{exc.character:04x}）", kind="yaml_invalid") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise messages.single(f"YAML 格式有误：{exc}", kind="yaml_invalid") from None


def _problem(problem: str) -> str:
    for words, chinese in _YAML_PROBLEMS:
        if words in problem:
            return chinese
    return problem if not problem.isascii() else f"无法解析（{problem}）"


def dump_rule_set(rule_set: RuleSet, header: list[str] | None = None) -> str:
    """The rule set as an editable YAML file; `header` lines become comments at the top."""
    lines = [f"# {line}" if line else "#" for line in header or []]
    lines.append(f"name: {_scalar(rule_set.name)}")
    if rule_set.description:
        lines.append(f"description: {_scalar(rule_set.description)}")
    lines.append("")
    lines.append("rules:")
    for number, rule in enumerate(rule_set.rules, start=1):
        lines.extend(_rule_lines(rule, number))
    return "\n".join(lines) + "\n"


def _rule_lines(rule: Rule, number: int) -> list[str]:
    lines = [f"  # 第 {number} 条", f"  - id: {_scalar(rule.id)}", f"    name: {_scalar(rule.name)}"]
    if rule.description:
        lines.append(f"    description: {_scalar(rule.description)}")
    lines.append("    when:")
    lines.extend(_mapping_lines(rule.when.written(), "      "))
    lines.append("    then:")
    lines.extend(_mapping_lines(rule.then.written(), "      "))
    lines.append("")
    return lines


def _mapping_lines(values: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for key, value in values.items():
        labels = _LABELS.get(key)
        if isinstance(value, dict) or hasattr(value, "written"):
            inner = value if isinstance(value, dict) else value.written()
            lines.append(f"{indent}{key}:")
            lines.extend(_mapping_lines(inner, indent + "  "))
        elif key == "region":
            names = "、".join(region_name(prefix) for prefix in value)
            lines.append(f"{indent}{key}: [{', '.join(f'{p!r}' for p in value)}]  # {names}")
        elif isinstance(value, list) and labels:
            named = "、".join(labels[v] for v in value)
            lines.append(f"{indent}{key}: [{', '.join(value)}]  # {named}")
        elif isinstance(value, list) and (flow := _flow_list(value)):
            lines.append(f"{indent}{key}: {flow}")
        elif isinstance(value, list):
            lines.append(f"{indent}{key}:")
            lines.extend(f"{indent}  - {_scalar(item, in_list=True)}" for item in value)
        elif labels:
            lines.append(f"{indent}{key}: {value}  # {labels[value]}")
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}")
    return lines


def _flow_list(items: list[str]) -> str | None:
    """`[甲, 乙]` when short and read back unchanged, else None (written one per line)."""
    flow = f"[{', '.join(items)}]"
    if len(flow) > 60 or "\n" in flow:
        return None
    try:
        return flow if yaml.safe_load(f"k: {flow}") == {"k": items} else None
    except Exception:  # any failure to read it back: write it one per line
        return None


def _scalar(value: str, in_list: bool = False) -> str:
    """`value` plain when YAML reads it back unchanged in place, else double-quoted."""
    if "\n" not in value:
        try:
            back = yaml.safe_load(f"- {value}" if in_list else f"k: {value}")
        except Exception:  # any failure to read it back: quote it
            back = None
        if back == ([value] if in_list else {"k": value}):
            return value
    quoted = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1 << 30)
    return quoted.removesuffix("\n").removesuffix("\n...").strip()
