"""Masking personal data inside raw records before any page shows them."""

from __future__ import annotations

from typing import Any

from hub.normalize.codes import mask_id_number, mask_name, mask_phone

PHONE_KEYS = {"phone", "联系电话", "电话", "手机", "手机号码", "来电号码"}
ID_KEYS = {"id_number", "证件号码", "身份证号", "身份证号码"}
NAME_KEYS = {"name", "来电人", "信访人", "反映人", "举报人", "原告", "申请人", "申请执行人",
             "当事人", "投诉人"}


def mask_record(value: Any, inside_reporter: bool = False) -> Any:
    """A copy with personal fields masked; `name` counts as personal only under `reporter`."""
    if isinstance(value, dict):
        return {key: _mask_field(key, item, inside_reporter) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_record(item, inside_reporter) for item in value]
    return value


def _mask_field(key: str, item: Any, inside_reporter: bool) -> Any:
    if key == "reporter":
        return mask_record(item, inside_reporter=True)
    if isinstance(item, str):
        if key in PHONE_KEYS:
            return mask_phone(item)
        if key in ID_KEYS:
            return mask_id_number(item)
        if key in NAME_KEYS and (key != "name" or inside_reporter):
            return mask_name(item)
    return mask_record(item, inside_reporter)
