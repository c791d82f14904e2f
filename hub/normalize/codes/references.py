"""Court case numbers (案号), document numbers (文号) and references in a clue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .base import CodeError, normalize_code_text, shown
from .case_types import CASE_TYPES

PROVINCE_ABBRS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼兵"
SUPREME_COURT = "最高法"  # the Supreme People's Court: no province, no court digits
_COURTS = frozenset(PROVINCE_ABBRS) | {SUPREME_COURT}
CASE_MIN_YEAR = 1990
DOC_MIN_YEAR = 1949
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
# After NFKC, （） and ［］ are () and []; 〔〕 and 【】 survive and are accepted as they are.
_OPEN, _CLOSE = "([〔【", ")]〕】"
_YEAR = re.compile(rf"[{re.escape(_OPEN)}]([0-9]{{4}})[{re.escape(_CLOSE)}]")
_CASE_TAIL = re.compile(r"([0-9]*)([^0-9]+?)0*([0-9]+)号(之[一二三四五六七八九十]{1,3})?")
_DOC = re.compile(rf"([{_CJK}]{{1,12}})(?:{_YEAR.pattern})第?0*([0-9]+)号")


def _max_year() -> int:
    return date.today().year + 1


@dataclass(frozen=True)
class CaseNumber:
    year: int
    province: str  # e.g. 鄂; 最高法 for the Supreme People's Court
    court_code: str  # digits after the abbreviation: '' (high court), '03', '0322'
    case_type: str  # e.g. 行初
    serial: int
    supplement: str = ""  # 之一, 之二 … for a ruling that belongs to the same case

    def __str__(self) -> str:
        return (f"({self.year}){self.province}{self.court_code}{self.case_type}"
                f"{self.serial}号{self.supplement}")

    @property
    def is_administrative(self) -> bool:
        # 行保 is 行为保全 (a civil preservation order), not an administrative case.
        return self.case_type.startswith("行") and not self.case_type.startswith("行保")

    @property
    def is_enforcement(self) -> bool:
        return self.case_type.startswith("执")


def parse_case_number(value: str) -> CaseNumber:
    """Parse `(2023)鄂0322行初15号`; full-width brackets, 〔〕 and spaces are accepted."""
    text = normalize_code_text(value)
    if not text:
        raise CodeError("案号为空")
    year_match = _YEAR.match(text)
    if not year_match:
        raise CodeError("案号应以括号中的 4 位年份开头，如 (2023)")
    year = _check_year(int(year_match.group(1)), CASE_MIN_YEAR, "案号")
    rest = text[year_match.end() :]
    court = SUPREME_COURT if rest.startswith(SUPREME_COURT) else rest[:1]
    if court not in _COURTS:
        shown_abbr = shown(court) if court else "缺失"
        raise CodeError(f"案号年份后应为法院所在省份简称（如 鄂），实际为{shown_abbr}")
    tail = _CASE_TAIL.fullmatch(rest[len(court) :])
    if not tail:
        raise CodeError(
            "案号应为“(年份)省份简称+法院代码+类型代字+序号+号”，如 (2023)鄂0322行初15号"
        )
    court_code, case_type, serial, supplement = tail.groups(default="")
    if court == SUPREME_COURT and court_code:
        raise CodeError("最高人民法院的案号在“最高法”后不带数字")
    if len(court_code) not in (0, 2, 4):
        raise CodeError(f"案号中的法院代码{shown(court_code)}应为 2 位或 4 位数字")
    if case_type not in CASE_TYPES:
        raise CodeError(f"案号中的案件类型代字{shown(case_type)}不是最高人民法院规定的类型代字")
    if int(serial) == 0:
        raise CodeError("案号序号应为正整数")
    return CaseNumber(year, court, court_code, case_type, int(serial), supplement)


@dataclass(frozen=True)
class DocumentNumber:
    issuer: str  # e.g. 郧检行建
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.issuer}〔{self.year}〕{self.serial}号"


def parse_document_number(value: str) -> DocumentNumber:
    """Parse `郧检行建〔2023〕5号`; [] 【】 () （） for 〔〕 and an optional 第 are accepted."""
    text = normalize_code_text(value)
    if not text:
        raise CodeError("文号为空")
    match = _DOC.fullmatch(text)
    if not match:
        raise CodeError(_document_problem(text))
    issuer, year, serial = match.group(1), int(match.group(2)), int(match.group(3))
    _check_year(year, DOC_MIN_YEAR, "文号")
    if serial == 0:
        raise CodeError("文号序号应为正整数")
    return DocumentNumber(issuer, year, serial)


def _document_problem(text: str) -> str:
    year = _YEAR.search(text)
    if not year:
        return "文号中应有括号中的 4 位年份，如 〔2023〕"
    if not re.fullmatch(rf"[{_CJK}]{{1,12}}", text[: year.start()]):
        return "文号开头应为 1–12 个汉字的机关代字，如 郧检行建"
    return "文号年份后应为序号加“号”，如 〔2023〕5号"


def _check_year(year: int, lowest: int, what: str) -> int:
    if not lowest <= year <= _max_year():
        raise CodeError(f"{what}年份 {year} 超出范围（{lowest}–{_max_year()}）")
    return year


def check_reference(kind: str, value: str) -> str:
    """The canonical form of a clue reference of the given kind."""
    kind_name = kind.value if isinstance(kind, Enum) else kind
    if kind_name == "case_number":
        return str(parse_case_number(value))
    if kind_name == "document_number":
        return str(parse_document_number(value))
    if kind_name == "ticket":
        ticket = value.strip() if isinstance(value, str) else ""
        if not ticket:
            raise CodeError("工单号为空")
        if len(ticket) > 64:
            raise CodeError(f"工单号应不超过 64 个字符，实际为 {len(ticket)} 个")
        return ticket
    raise CodeError(
        f"引用类型{shown(str(kind_name))}无效，应为 case_number、document_number 或 ticket"
    )
