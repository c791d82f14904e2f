"""Unified social credit codes (GB 32100-2015) and resident ID numbers (GB 11643-1999)."""

from __future__ import annotations

from datetime import date

from .base import CodeError, normalize_code_text, shown

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {ch: i for i, ch in enumerate(CREDIT_CHARSET)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Registration authority (char 1) -> allowed organisation types (char 2). 1, 5 and 9 list
# their types in GB 32100 itself; authorities added later by notice get any digit 1-9 so a
# real code is never refused for a type this table has not heard of.
_ANY_TYPE = frozenset("123456789")
CREDIT_AUTHORITIES: dict[str, frozenset[str]] = {
    "1": frozenset("1239"),  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "5": frozenset("1239"),  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "9": frozenset("123"),  # 工商: 企业, 个体工商户, 农民专业合作社
    **{ch: _ANY_TYPE for ch in "2345678ANY" if ch not in "59"},
}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_MIN_BIRTH = date(1900, 1, 1)


def credit_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    total = sum(_CREDIT_VALUE[ch] * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def check_credit_code(value: str) -> str:
    """Validate a unified social credit code; return it normalized."""
    code = normalize_code_text(value)
    if len(code) != 18:
        raise CodeError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    for pos, ch in enumerate(code, start=1):
        if ch not in _CREDIT_VALUE:
            raise CodeError(
                f"统一社会信用代码第 {pos} 位字符{shown(ch)}无效（不使用 I、O、S、V、Z）"
            )
    types = CREDIT_AUTHORITIES.get(code[0])
    if types is None:
        raise CodeError(f"统一社会信用代码第 1 位登记管理部门代码{shown(code[0])}无效")
    if code[1] not in types:
        raise CodeError(f"统一社会信用代码第 2 位机构类别代码{shown(code[1])}无效")
    if not code[2:8].isdigit():
        raise CodeError("统一社会信用代码第 3–8 位应为 6 位数字的行政区划代码")
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise CodeError(f"统一社会信用代码校验位错误：应为 {expected}，实际为 {code[17]}")
    return code


def id_check_char(first17: str) -> str:
    """The check character for the first 17 digits of a resident ID number."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_id_number(value: str) -> str:
    """Validate an 18-character resident ID number; return it normalized (X uppercase).

    Messages never repeat the number or its parts: it is personal data and 422 bodies get logged.
    """
    code = normalize_code_text(value)
    if len(code) != 18:
        hint = "（15 位旧号码请换用 18 位号码）" if len(code) == 15 else ""
        raise CodeError(f"身份证号码应为 18 位，实际为 {len(code)} 位{hint}")
    if not code[:17].isascii() or not code[:17].isdigit():
        raise CodeError("身份证号码前 17 位应为数字")
    if code[17] not in "0123456789X":
        raise CodeError("身份证号码第 18 位应为数字或 X")
    _check_birth_date(code[6:14])
    if code[17] != id_check_char(code[:17]):
        raise CodeError("身份证号码校验位错误（第 18 位与前 17 位不符）")
    return code


def _check_birth_date(digits: str) -> None:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise CodeError("身份证号码出生日期无效（第 7–14 位不是真实日期）") from None
    if not _ID_MIN_BIRTH <= born <= date.today():
        raise CodeError("身份证号码出生日期无效（应在 1900-01-01 至今天之间）")
