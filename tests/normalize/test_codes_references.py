"""Court case numbers (案号), document numbers (文号) and check_reference."""

from __future__ import annotations

import contextlib
from datetime import date
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.normalize.codes import (
    CASE_TYPES,
    CaseNumber,
    CodeError,
    DocumentNumber,
    check_reference,
    parse_case_number,
    parse_document_number,
)
from hub.normalize.codes.references import PROVINCE_ABBRS

NEXT_YEAR = date.today().year + 1
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
BRACKETS = [("(", ")"), ("（", "）"), ("〔", "〕"), ("[", "]"), ("【", "】"), ("［", "］")]


def test_brief_example_parses() -> None:
    case = parse_case_number("(2023)鄂0322行初15号")
    assert case == CaseNumber(2023, "鄂", "0322", "行初", 15)
    assert str(case) == "(2023)鄂0322行初15号"
    assert case.is_administrative and not case.is_enforcement


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("（2023）鄂0322行初15号", "(2023)鄂0322行初15号"),
        ("〔2023〕鄂0322行初15号", "(2023)鄂0322行初15号"),
        (" （２０２３） 鄂03 行终 7 号 ", "(2023)鄂03行终7号"),
        ("(2024)鄂行再1号", "(2024)鄂行再1号"),
        ("(2022)鄂0322执恢015号", "(2022)鄂0322执恢15号"),
        ("(2021)鄂03行赔初2号之一", "(2021)鄂03行赔初2号之一"),
        ("(2020)兵08民终123号", "(2020)兵08民终123号"),
        ("(2019)最高法行申1号", "(2019)最高法行申1号"),
    ],
)
def test_case_number_variants_canonicalize(value: str, canonical: str) -> None:
    assert str(parse_case_number(value)) == canonical


def test_case_kind_flags() -> None:
    assert parse_case_number("(2023)鄂0322执异3号").is_enforcement
    assert not parse_case_number("(2023)鄂0322民初3号").is_administrative
    assert parse_case_number("(2023)鄂0322行赔初3号").is_administrative
    assert not parse_case_number("(2023)鄂0322行保3号").is_administrative  # 行为保全


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "案号为空"),
        ("2023鄂0322行初15号", "括号中的 4 位年份"),
        ("(1989)鄂0322行初15号", "年份 1989 超出范围"),
        (f"({NEXT_YEAR + 1})鄂0322行初15号", f"年份 {NEXT_YEAR + 1} 超出范围"),
        ("(2023)X0322行初15号", "省份简称（如 鄂），实际为“X”"),
        ("(2023)", "实际为缺失"),
        ("(2023)鄂032行初15号", "法院代码“032”应为 2 位或 4 位数字"),
        ("(2023)鄂0322行X15号", "类型代字“行X”不是"),
        ("(2023)鄂0322诉初15号", "类型代字“诉初”不是"),
        ("(2023)鄂0322行初0号", "序号应为正整数"),
        ("(2023)鄂0322行初15", "如 (2023)鄂0322行初15号"),
        ("(2023)最高法01行申1号", "不带数字"),
    ],
)
def test_bad_case_numbers_name_the_wrong_part(value: str, message: str) -> None:
    with pytest.raises(CodeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_case_number(value)


@st.composite
def case_numbers(draw: st.DrawFn) -> CaseNumber:
    return CaseNumber(
        year=draw(st.integers(1990, NEXT_YEAR)),
        province=draw(st.sampled_from(PROVINCE_ABBRS)),
        court_code=draw(st.sampled_from(["", "03", "0322", "71", "0191"])),
        case_type=draw(st.sampled_from(sorted(CASE_TYPES))),
        serial=draw(st.integers(1, 99999)),
    )


@given(case_numbers(), st.sampled_from(BRACKETS), st.booleans(), st.booleans())
def test_case_numbers_round_trip(case: CaseNumber, brackets, spaced: bool, wide: bool) -> None:
    opening, closing = brackets
    year = str(case.year).translate(str.maketrans("0123456789", "０１２３４５６７８９")) if wide \
        else str(case.year)
    gap = " " if spaced else ""
    text = (f"{opening}{year}{closing}{gap}{case.province}{case.court_code}{gap}"
            f"{case.case_type}{gap}{case.serial}{gap}号")
    assert parse_case_number(text) == case
    assert parse_case_number(str(case)) == case


@given(case_numbers(), st.data(), st.sampled_from("A#@%&*~"))
def test_a_foreign_character_in_a_case_number_is_caught(case: CaseNumber, data, new: str) -> None:
    text = str(case)
    pos = data.draw(st.integers(0, len(text) - 1))
    with pytest.raises(CodeError):
        parse_case_number(text[:pos] + new + text[pos + 1 :])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("郧检行建〔2023〕5号", DocumentNumber("郧检行建", 2023, 5)),
        ("十检行公建〔2024〕12号", DocumentNumber("十检行公建", 2024, 12)),
        ("鄂政复决〔2025〕3号", DocumentNumber("鄂政复决", 2025, 3)),
        ("十政复〔2025〕第21号", DocumentNumber("十政复", 2025, 21)),
        ("十政复[2025]21号", DocumentNumber("十政复", 2025, 21)),
        ("十政复【2025】21号", DocumentNumber("十政复", 2025, 21)),
        ("十政复（2025）021号", DocumentNumber("十政复", 2025, 21)),
        (" 郧检行建 〔2023〕 5 号", DocumentNumber("郧检行建", 2023, 5)),
    ],
)
def test_document_numbers_parse(value: str, expected: DocumentNumber) -> None:
    assert parse_document_number(value) == expected


def test_document_number_canonical_form() -> None:
    assert str(parse_document_number("十政复（2025）第21号")) == "十政复〔2025〕21号"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "文号为空"),
        ("十政复2025年21号", "括号中的 4 位年份"),
        ("ABC〔2025〕21号", "1–12 个汉字的机关代字"),
        ("十三个字的机关代字太长了不行啊〔2025〕1号", "1–12 个汉字"),
        ("十政复〔2025〕21", "序号加“号”"),
        ("十政复〔1900〕21号", "年份 1900 超出范围"),
        ("十政复〔2025〕0号", "序号应为正整数"),
    ],
)
def test_bad_document_numbers_say_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(CodeError, match=message):
        parse_document_number(value)


@st.composite
def document_numbers(draw: st.DrawFn) -> DocumentNumber:
    return DocumentNumber(
        issuer=draw(st.text(CJK, min_size=1, max_size=12)),
        year=draw(st.integers(1949, NEXT_YEAR)),
        serial=draw(st.integers(1, 9999)),
    )


@given(document_numbers(), st.sampled_from(BRACKETS), st.booleans(), st.booleans())
def test_document_numbers_round_trip(doc: DocumentNumber, brackets, di: bool, spaced: bool) -> None:
    opening, closing = brackets
    gap = " " if spaced else ""
    text = f"{doc.issuer}{gap}{opening}{doc.year}{closing}{'第' if di else ''}{doc.serial}{gap}号"
    assert parse_document_number(text) == doc
    assert parse_document_number(str(doc)) == doc


@given(document_numbers(), st.data(), st.sampled_from("A#@%&*~"))
def test_a_foreign_character_in_a_document_number_is_caught(doc, data, new: str) -> None:
    text = str(doc)
    pos = data.draw(st.integers(0, len(text) - 1))
    with pytest.raises(CodeError):
        parse_document_number(text[:pos] + new + text[pos + 1 :])


@given(st.text(max_size=40))
def test_any_text_fails_only_with_code_error(text: str) -> None:
    for kind in ("case_number", "document_number", "ticket"):
        with contextlib.suppress(CodeError):
            check_reference(kind, text)


class Kind(StrEnum):
    case_number = "case_number"


def test_check_reference() -> None:
    assert check_reference("case_number", "（2023）鄂0322行初15号") == "(2023)鄂0322行初15号"
    assert check_reference(Kind.case_number, "(2023)鄂0322行初15号") == "(2023)鄂0322行初15号"
    assert check_reference("document_number", "郧检行建[2023]5号") == "郧检行建〔2023〕5号"
    assert check_reference("ticket", "  GD-20240101-0001 ") == "GD-20240101-0001"
    with pytest.raises(CodeError, match="工单号为空"):
        check_reference("ticket", "   ")
    with pytest.raises(CodeError, match="不超过 64 个字符"):
        check_reference("ticket", "x" * 65)
    with pytest.raises(CodeError, match="引用类型“memo”无效"):
        check_reference("memo", "x")
