"""Rule set errors in plain Chinese, each naming the rule (number, id) and the field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from hub.contract.messages import reason
from hub.errors import FieldError, InvalidInput
from hub.route.language import KeywordCondition, Rule, RuleSet, SubjectCondition, Then, When

FIELD_NAMES = {
    "name": "名称", "description": "说明", "rules": "规则", "id": "规则编号",
    "when": "条件", "then": "处置", "channel": "渠道", "category": "问题类别",
    "field": "执法领域", "region": "地区", "subject": "被反映单位", "urgency": "紧急程度",
    "keywords": "关键词", "has_reference": "关联文书", "any_of": "任一出现",
    "all_of": "全部出现", "none_of": "均不出现", "name_contains": "名称包含",
    "name_equals": "名称等于", "credit_code": "统一社会信用代码", "action": "处置方式",
    "target": "对象", "target_from": "对象来源", "reason": "理由",
}
# The model a key belongs to, by the name of the key above it: lists the keys allowed there.
_MODEL_UNDER: dict[str | None, type[BaseModel]] = {
    None: RuleSet, "rules": Rule, "when": When, "then": Then, "subject": SubjectCondition,
    "keywords": KeywordCondition,
}
_WORDING = {  # YAML words where the JSON contract's messages say "array" and "object"
    "string_type": "应为文字",
    "list_type": "应为列表（每项一行，以“- ”开头；或写成 [甲, 乙]）",
    "dict_type": "应为下一级缩进的“键: 值”",
    "model_type": "应为下一级缩进的“键: 值”",
    "model_attributes_type": "应为下一级缩进的“键: 值”",
    "string_too_short": "不能为空",
    "string_unicode": "含有无效的 Unicode 字符",
}


class RuleSetError(InvalidInput):
    """A rule set that cannot be used. `errors` has one entry per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        lines = "\n".join(f"  - {error.msg}" for error in errors)
        super().__init__(errors, message=f"规则集有 {len(errors)} 处错误：\n{lines}")


def single(msg: str, loc: list[str | int] | None = None, kind: str = "value_error") -> RuleSetError:
    return RuleSetError([FieldError(loc=loc or [], msg=msg, type=kind)])


def from_validation(exc: ValidationError, data: Any) -> RuleSetError:
    errors = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        errors.append(FieldError(loc=loc, msg=f"{where(loc, data)}：{_reason(err, loc)}",
                                 type=err["type"]))
    return RuleSetError(errors)


def where(loc: list[Any], data: Any) -> str:
    """E.g. `规则“fine-quota”（第 3 条）的 when.channel[1]（条件 › 渠道）`."""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        owner, rest = _rule_label(loc[1], data), loc[2:]
    else:
        owner, rest = "规则集", loc
    if not rest:
        return owner
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    words = " › ".join(FIELD_NAMES.get(str(p), str(p)) for p in rest if isinstance(p, str))
    return f"{owner}的 {path}（{words}）"


def _rule_label(index: int, data: Any) -> str:
    rules = data.get("rules") if isinstance(data, dict) else None
    rule = rules[index] if isinstance(rules, list) and index < len(rules) else None
    rule_id = rule.get("id") if isinstance(rule, dict) else None
    if isinstance(rule_id, str | int) and str(rule_id).strip():
        shown = str(rule_id).strip().encode("utf-8", "backslashreplace").decode("utf-8")
        return f"规则“{shown}”（第 {index + 1} 条）"
    return f"第 {index + 1} 条规则"


def _reason(err: dict[str, Any], loc: list[Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        parents = [p for p in loc[:-1] if isinstance(p, str)]
        model = _MODEL_UNDER.get(parents[-1] if parents else None)
        allowed = "、".join(model.model_fields) if model else ""
        return f"这里没有这个键，请检查拼写（可用：{allowed}）"
    if kind == "too_short":
        return f"至少要有 {ctx.get('min_length')} 项"
    return reason(err, _WORDING, fallback="取值无效（{msg}）")
