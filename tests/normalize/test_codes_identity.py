"""Credit codes (GB 32100) and resident ID numbers (GB 11643): examples and properties."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.normalize.codes import CodeError, check_credit_code, check_id_number
from hub.normalize.codes.identity import CREDIT_AUTHORITIES

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_check(first17: str) -> str:
    """Written out again from the standard, so the test does not trust the code under test."""
    weights = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16 … as in GB 32100
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, weights, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def id_check(first17: str) -> str:
    weights = [pow(2, 17 - i, 11) for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2 … as in GB 11643
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    authority = draw(st.sampled_from(sorted(CREDIT_AUTHORITIES)))
    kind = draw(st.sampled_from(sorted(CREDIT_AUTHORITIES[authority])))
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    body = draw(st.text(CHARSET, min_size=9, max_size=9))
    first = authority + kind + region + body
    return first + credit_check(first)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
    order = draw(st.text("0123456789", min_size=3, max_size=3))
    first = region + born.strftime("%Y%m%d") + order
    return first + id_check(first)


@st.composite
def with_noise(draw: st.DrawFn, codes: st.SearchStrategy[str]) -> tuple[str, str]:
    """(code, the code as a person might paste it: full-width, lower case, spaces inside)."""
    code = draw(codes)
    noisy = list(fullwidth(code) if draw(st.booleans()) else code)
    if draw(st.booleans()):
        noisy = [ch.lower() for ch in noisy]
    for _ in range(draw(st.integers(0, 3))):
        noisy.insert(draw(st.integers(0, len(noisy))), draw(st.sampled_from([" ", "\u3000", "\t"])))
    return code, "".join(noisy)


def test_weights_written_out_match_the_standard() -> None:
    assert [pow(3, i, 31) for i in range(17)][:8] == [1, 3, 9, 27, 19, 26, 16, 17]
    assert [pow(2, 17 - i, 11) for i in range(17)][:8] == [7, 9, 10, 5, 8, 4, 2, 1]


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_published_credit_codes_pass(code: str) -> None:
    assert check_credit_code(code) == code
    assert check_credit_code(f" {code.lower()} ") == code


def test_generated_shiyan_credit_code_passes() -> None:
    first = "91420300MA4F0K7L2"
    assert check_credit_code(first + credit_check(first)) == first + credit_check(first)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91350100M000100Y4", "应为 18 位，实际为 17 位"),
        ("91350100M000100Y4I", "第 18 位字符“I”无效"),
        ("Z1350100M000100Y43", "第 1 位字符“Z”无效"),
        ("B1350100M000100Y43", "第 1 位登记管理部门代码“B”无效"),
        ("94350100M000100Y43", "第 2 位机构类别代码“4”无效"),
        ("913501A0M000100Y43", "第 3–8 位应为 6 位数字"),
        ("91350100M000100Y44", "校验位错误：应为 3，实际为 4"),
    ],
)
def test_bad_credit_codes_say_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(CodeError, match=message):
        check_credit_code(value)


@given(with_noise(credit_codes()))
def test_valid_credit_codes_pass_and_normalize(pair: tuple[str, str]) -> None:
    code, noisy = pair
    assert check_credit_code(noisy) == code
    assert check_credit_code(check_credit_code(noisy)) == code


@given(credit_codes(), st.integers(0, 17), st.sampled_from(CHARSET + "IOSVZ-"))
def test_one_changed_credit_character_is_caught(code: str, pos: int, new: str) -> None:
    if code[pos] == new:
        return
    with pytest.raises(CodeError):
        check_credit_code(code[:pos] + new + code[pos + 1 :])


def test_standard_example_id_passes_with_lowercase_x() -> None:
    assert check_id_number("11010519491231002x") == "11010519491231002X"
    assert check_id_number(fullwidth("11010519491231002X")) == "11010519491231002X"


@pytest.mark.parametrize(
    ("first17", "message"),
    [
        ("44052418800101001", "出生日期无效（应在 1900-01-01"),  # 1880: before the range
        ("42032219900230001", "出生日期无效（第 7–14 位不是真实日期）"),  # 30 February
        ("420322" + (date.today() + timedelta(days=1)).strftime("%Y%m%d") + "001", "出生日期无效"),
    ],
)
def test_id_birth_dates_are_checked(first17: str, message: str) -> None:
    with pytest.raises(CodeError, match=message):
        check_id_number(first17 + id_check(first17))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310", "应为 18 位，实际为 15 位（15 位旧号码请换用 18 位号码）"),
        ("1101051949123100AX", "前 17 位应为数字"),
        ("11010519491231002Y", "第 18 位应为数字或 X"),
        ("110105194912310021", "校验位错误"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(CodeError, match=message):
        check_id_number(value)


def test_id_messages_do_not_repeat_the_number() -> None:
    with pytest.raises(CodeError) as caught:
        check_id_number("110105194912310021")
    assert "1949" not in str(caught.value) and "110105" not in str(caught.value)


@given(with_noise(id_numbers()))
def test_valid_id_numbers_pass_and_normalize(pair: tuple[str, str]) -> None:
    code, noisy = pair
    assert check_id_number(noisy) == code


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_one_changed_id_character_is_caught(code: str, pos: int, new: str) -> None:
    if code[pos] == new:
        return
    with pytest.raises(CodeError):
        check_id_number(code[:pos] + new + code[pos + 1 :])


@given(st.text(max_size=40))
def test_any_text_fails_only_with_code_error(text: str) -> None:
    for check in (check_credit_code, check_id_number):
        with contextlib.suppress(CodeError):
            check(text)
