"""Mainland phone numbers: mobile (11 digits) and landline (area code + number [+ extension]).

Messages never repeat the number: it is personal data and 422 bodies get logged.
"""

from __future__ import annotations

import re

from .base import CodeError, normalize_code_text

_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
_EXTENSION = re.compile(r"(.+?)(?:转|分机|EXT\.?|X|#)([0-9]{1,6})")
_COUNTRY = re.compile(r"(?:\+|00)86-?")
# 010 and 02x are the only three-digit area codes; every other one has four digits.
_AREA = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
_DASHES = str.maketrans({"–": "-", "—": "-", "―": "-", "‐": "-", "‑": "-", "−": "-"})
_NOT_RECOGNISED = "电话号码格式无法识别：应为 11 位手机号码，或“区号-号码”形式的固定电话"


def check_phone(value: str) -> str:
    """Validate a phone number; return `13812345678` or `0719-8123456[-801]`."""
    text = normalize_code_text(value).translate(_DASHES)
    if not text:
        raise CodeError("电话号码为空")
    compact = re.sub(r"[-()]", "", text)
    mobile = _MOBILE.fullmatch(compact)
    if mobile:
        return mobile.group(1)
    if compact.isascii() and compact.isdigit() and len(compact) == 11 and compact[0] == "1":
        raise CodeError("手机号码号段无效：第 2 位应为 3–9")
    return _landline(text)


def _landline(text: str) -> str:
    extension = ""
    split = _EXTENSION.fullmatch(text)
    if split:
        text, extension = split.group(1), split.group(2)
    country = _COUNTRY.match(text)
    if country:
        text = text[country.end() :]
    parts = [part for part in re.split(r"[-()]", text) if part]
    if not parts or not all(part.isascii() and part.isdigit() for part in parts):
        raise CodeError(_NOT_RECOGNISED)
    if len(parts) == 3 and not extension:
        extension = parts.pop()
    if country and not parts[0].startswith("0"):
        parts[0] = "0" + parts[0]  # international form drops the trunk prefix 0
    area, local = _split_area(parts)
    if not _LOCAL.fullmatch(local):
        raise CodeError("固定电话号码应为 7–8 位，且不以 0 或 1 开头")
    if extension and len(extension) > 6:
        raise CodeError("分机号应为 1–6 位数字")
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


def _split_area(parts: list[str]) -> tuple[str, str]:
    if len(parts) == 2:
        area, local = parts
    elif len(parts) == 1 and parts[0].startswith("0"):
        digits = parts[0]
        area_len = 3 if digits.startswith(("010", "02")) else 4
        area, local = digits[:area_len], digits[area_len:]
    elif len(parts) == 1:
        raise CodeError("固定电话应带区号（如 0719-8123456）")
    else:
        raise CodeError(_NOT_RECOGNISED)
    if not _AREA.fullmatch(area):
        raise CodeError("固定电话区号无效：应为 0 开头的 3–4 位数字（如 010、027、0719）")
    return area, local
