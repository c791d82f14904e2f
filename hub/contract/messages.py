"""Validation errors in plain Chinese words, each naming the field it is about."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from hub.errors import FieldError

FIELD_LABELS = {
    "source_ref": "来源编号", "channel": "渠道", "reported_at": "受理时间", "title": "标题",
    "content": "内容", "category": "问题类别", "region_code": "行政区划代码", "subjects": "被反映单位",
    "references": "关联文书", "reporter": "反映人", "urgency": "紧急程度", "attachments": "附件",
    "extra": "扩展字段", "name": "名称", "credit_code": "统一社会信用代码", "phone": "联系电话",
    "id_number": "身份证号码", "anonymous": "是否匿名", "kind": "类型", "value": "值",
    "filename": "文件名", "media_type": "媒体类型", "sha256": "SHA-256 摘要", "size": "大小",
    "clues": "线索列表",
    # hand-offs (hub.handoffs.schemas)
    "final": "是否办结", "text": "内容", "outcome": "办理结果", "persons": "涉及人数",
    "amount_yuan": "金额（元）", "reason": "理由", "note": "备注", "status": "状态",
    "updated_since": "更新时间", "cursor": "翻页游标", "limit": "每页条数",
}


_SIMPLE = {
    "missing": "必须填写",
    "extra_forbidden": "共享数据规范 v1 中没有这个字段，请检查字段名（未知字段不会被静默丢弃）",
    "string_type": "应为字符串",
    "list_type": "应为数组",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "string_pattern_mismatch": "格式不正确",
    "timezone_aware": "须带时区，例如 +08:00",
    "datetime_parsing": "时间格式不正确，应为 RFC 3339，例如 2026-10-08T09:30:00+08:00",
    "datetime_type": "时间格式不正确，应为 RFC 3339，例如 2026-10-08T09:30:00+08:00",
    "datetime_from_date_parsing": "时间格式不正确，应为 RFC 3339，例如 2026-10-08T09:30:00+08:00",
    "json_invalid": "不是合法的 JSON",
}


def reason(err: dict[str, Any], wording: dict[str, str] | None = None,
           fallback: str = "{msg}") -> str:
    """One pydantic error in plain words. `wording` replaces the simple phrases for another
    context (a YAML rule file says "list" where the JSON contract says "array")."""
    kind, ctx = err["type"], err.get("ctx") or {}
    simple = {**_SIMPLE, **(wording or {})}
    if kind in simple:
        return simple[kind]
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字符"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind == "too_short":
        return f"至少 {ctx.get('min_length')} 项"
    if kind == "enum":
        return f"取值应为以下之一：{ctx.get('expected', '')}"
    if kind == "literal_error":
        return f"取值应为以下之一：{ctx.get('expected', '')}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"不能{'小于' if kind == 'greater_than_equal' else '大于'} {bound}"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "")))
    return fallback.format(msg=err.get("msg", kind))


def _label(loc: tuple[Any, ...]) -> str:
    path = ".".join(str(part) for part in loc)
    names = [p for p in loc if isinstance(p, str)]
    label = FIELD_LABELS.get(names[-1]) if names else None
    return f"{label}（{path}）" if label and path else (path or "请求体")


def field_errors(
    exc: ValidationError | list[dict[str, Any]], prefix: tuple[str | int, ...] = ("body",)
) -> list[FieldError]:
    """One plain-words entry per bad field, from pydantic's (or FastAPI's) error list."""
    raw = exc.errors(include_url=False) if isinstance(exc, ValidationError) else exc
    out = []
    for err in raw:
        loc = tuple(err["loc"])
        out.append(FieldError(loc=[*prefix, *loc], msg=f"{_label(loc)}：{reason(err)}",
                              type=err["type"]))
    return out


def body_error(msg: str, prefix: tuple[str | int, ...] = ("body",), kind: str = "body_invalid") -> FieldError:
    return FieldError(loc=list(prefix), msg=msg, type=kind)
