"""Validation errors in plain Chinese words, each naming the field it is about."""

from __future__ import annotations

from typing import Any

import orjson
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
    "json_type": "应为 JSON 文本",
    "none_required": "应为 null",
    "finite_number": "应为有限的数值",
    "string_unicode": "应为合法的 Unicode 字符串",
    "string_not_ascii": "只能含有 ASCII 字符",
    "mapping_type": "应为 JSON 对象",
    "iterable_type": "应为数组",
    "tuple_type": "应为数组",
    "set_type": "应为数组",
    "frozen_set_type": "应为数组",
    "set_item_not_hashable": "数组中含有不能比较的元素",
    "int_parsing_size": "整数超出可以接受的范围",
    "float_type": "应为数值",
    "float_parsing": "应为数值",
    "bytes_type": "应为字符串",
    "bytes_invalid_encoding": "编码不正确",
    "date_type": "日期格式不正确，应为 YYYY-MM-DD，例如 2026-10-08",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD，例如 2026-10-08",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD，例如 2026-10-08",
    "date_from_datetime_inexact": "应为日期（不带时刻），例如 2026-10-08",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "time_type": "时刻格式不正确，例如 09:30:00",
    "time_parsing": "时刻格式不正确，例如 09:30:00",
    "datetime_object_invalid": "时间无效",
    "datetime_past": "应为过去的时间",
    "datetime_future": "应为将来的时间",
    "timezone_naive": "不能带时区",
    "timezone_offset": "时区偏移不正确",
    "time_delta_type": "时长格式不正确",
    "time_delta_parsing": "时长格式不正确",
    "url_type": "应为网址",
    "url_parsing": "网址格式不正确",
    "url_syntax_violation": "网址格式不正确",
    "url_too_long": "网址太长",
    "url_scheme": "网址协议不被接受",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "UUID 格式不正确",
    "uuid_version": "UUID 版本不正确",
    "decimal_type": "应为数值（整数或小数）",
    "decimal_parsing": "应为数值（整数或小数）",
    "fraction_type": "应为数值",
    "fraction_parsing": "应为数值",
    "complex_type": "应为数值",
    "complex_str_parsing": "应为数值",
    "union_tag_invalid": "类型标记不正确",
    "union_tag_not_found": "缺少类型标记",
    "missing_argument": "必须填写",
    "missing_keyword_only_argument": "必须填写",
    "missing_positional_only_argument": "必须填写",
    "unexpected_keyword_argument": "不接受这个字段",
    "unexpected_positional_argument": "不接受这个参数",
    "multiple_argument_values": "同一字段给了多个值",
    "recursion_loop": "数据中含有循环引用",
    "recursion_depth_exceeded": "嵌套层数太多",
    "frozen_field": "这个字段不能修改",
    "frozen_instance": "不能修改",
    "invalid_key": "字段名应为字符串",
}


# Errors whose words carry the bound pydantic puts in the error's context.
_BOUNDED = {
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "enum": "取值应为以下之一：{expected}",
    "literal_error": "取值应为以下之一：{expected}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "应大于 {gt}",
    "less_than": "应小于 {lt}",
    "multiple_of": "应为 {multiple_of} 的整数倍",
    "bytes_too_short": "至少 {min_length} 个字节",
    "bytes_too_long": "最多 {max_length} 个字节",
    "decimal_max_digits": "最多 {max_digits} 位数字",
    "decimal_max_places": "小数最多 {decimal_places} 位",
    "decimal_whole_digits": "整数部分最多 {whole_digits} 位",
}


class _Context(dict):
    """An error's context for str.format_map: a bound it lacks reads "None", as before."""

    def __missing__(self, key: str) -> str:
        return "None"


def reason(err: dict[str, Any], wording: dict[str, str] | None = None,
           fallback: str = "取值无效（{type}）") -> str:
    """One pydantic error in plain words. `wording` replaces the simple phrases for another
    context (a YAML rule file says "list" where the JSON contract says "array")."""
    kind, ctx = err["type"], err.get("ctx") or {}
    simple = {**_SIMPLE, **(wording or {})}
    if kind in simple:
        return simple[kind]
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "不能为空"
    if kind in _BOUNDED:
        return _BOUNDED[kind].format_map(_Context({"expected": "", **ctx}))
    if kind in ("value_error", "assertion_error"):
        return _plain(str(ctx.get("error", err.get("msg", ""))))
    return fallback.format(msg=err.get("msg", kind), type=kind)


def _plain(text: str) -> str:
    """A validator's own message (written in Chinese here), without pydantic's English
    prefix; a library's English message is not shown."""
    for prefix in ("Value error, ", "Assertion failed, "):
        text = text.removeprefix(prefix)
    return text if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "取值无效"


def _label(loc: tuple[Any, ...]) -> str:
    path = ".".join(str(part) for part in loc)
    names = [p for p in loc if isinstance(p, str)]
    label = FIELD_LABELS.get(names[-1]) if names else None
    return f"{label}（{path}）" if label and path else (path or "请求体")


def printable(part: Any) -> Any:
    """A location part or message safe to store: NUL (which PostgreSQL text and JSON cannot
    hold) shown as the escape a partner would have typed."""
    return part.replace("\x00", "\\u0000") if isinstance(part, str) else part


def nul_errors(data: Any, prefix: tuple[str | int, ...]) -> list[FieldError]:
    """One entry per key or string value carrying a NUL character (refused, never stored)."""
    if not _may_hold_nul(data):
        return []
    found: list[FieldError] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [(prefix, data)]
    while stack and len(found) < 20:
        loc, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append(((*loc, printable(key)), item))
                if "\x00" in key:
                    found.append(FieldError([*loc, printable(key)], "字段名不能含有 NUL 字符（\\u0000）",
                                            "string_nul"))
        elif isinstance(value, list):
            stack.extend(((*loc, i), item) for i, item in enumerate(value))
        elif isinstance(value, str) and "\x00" in value:
            found.append(FieldError(list(loc), f"{_label(loc[len(prefix):])}：不能含有 NUL 字符（\\u0000）",
                                    "string_nul"))
    return found


def _may_hold_nul(data: Any) -> bool:
    """False when no key or string can hold NUL: written back as JSON, a NUL is always the
    escape \\u0000, so its absence from the text settles it without a walk (a value orjson
    cannot write, or a backslash that only looks like that escape, takes the walk)."""
    try:
        return b"\\u0000" in orjson.dumps(data)
    except orjson.JSONEncodeError:
        return True


def field_errors(
    exc: ValidationError | list[dict[str, Any]], prefix: tuple[str | int, ...] = ("body",)
) -> list[FieldError]:
    """One plain-words entry per bad field, from pydantic's (or FastAPI's) error list."""
    raw = exc.errors(include_url=False) if isinstance(exc, ValidationError) else exc
    out = []
    for err in raw:
        loc = tuple(printable(part) for part in err["loc"])
        out.append(FieldError(loc=[*prefix, *loc], msg=printable(f"{_label(loc)}：{reason(err)}"),
                              type=err["type"]))
    return out


def body_error(msg: str, prefix: tuple[str | int, ...] = ("body",), kind: str = "body_invalid") -> FieldError:
    return FieldError(loc=list(prefix), msg=msg, type=kind)
