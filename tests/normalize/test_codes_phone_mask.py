"""Phone numbers, display masks and the shared text clean-up."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.normalize.codes import (
    CodeError,
    check_phone,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_code_text,
)

DIGITS = "0123456789"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("００８６１３８１２３４５６７８", "13812345678"),
        ("0719-8123456", "0719-8123456"),
        ("0719 8123456", "0719-8123456"),
        ("（0719）8123456", "0719-8123456"),
        ("07198123456", "0719-8123456"),
        ("01062345678", "010-62345678"),
        ("027-87654321", "027-87654321"),
        ("010-62345678转801", "010-62345678-801"),
        ("0719-8123456-801", "0719-8123456-801"),
        ("0719-8123456 ext. 12", "0719-8123456-12"),
        ("+86 719 8123456", "0719-8123456"),
    ],
)
def test_phone_forms_normalize(value: str, expected: str) -> None:
    assert check_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "电话号码为空"),
        ("12812345678", "号段无效"),
        ("8123456", "应带区号"),
        ("400-123-4567", "区号无效"),
        ("0719-0123456", "7–8 位"),
        ("0719-812345", "7–8 位"),
        ("call me", "格式无法识别"),
        ("13٨12345678", "格式无法识别"),  # Arabic-Indic digit: not normalized by NFKC
    ],
)
def test_bad_phones_say_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(CodeError, match=message):
        check_phone(value)


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text(DIGITS, min_size=9, max_size=9))


@given(mobiles(), st.sampled_from(["", "+86", "86", "+86 ", "0086-"]),
       st.lists(st.sampled_from([" ", "-"]), max_size=3), st.randoms())
def test_mobiles_in_any_dress_normalize(number: str, prefix: str, seps: list[str], rnd) -> None:
    chars = list(number)
    for sep in seps:
        chars.insert(rnd.randint(1, len(chars) - 1), sep)
    assert check_phone(prefix + "".join(chars)) == number


@given(st.sampled_from(["010", "021", "027", "0719", "0710", "0898"]),
       st.text(DIGITS, min_size=6, max_size=7), st.sampled_from("23456789"),
       st.sampled_from(["{a}-{n}", "{a} {n}", "({a}){n}", "{a}{n}", "+86-{a1}-{n}"]))
def test_landlines_normalize(area: str, rest: str, first: str, shape: str) -> None:
    local = first + rest
    value = shape.format(a=area, a1=area[1:], n=local)
    assert check_phone(value) == f"{area}-{local}"


@given(mobiles(), st.integers(0, 10), st.sampled_from("A#*/"))
def test_a_foreign_character_in_a_mobile_is_caught(number: str, pos: int, new: str) -> None:
    with pytest.raises(CodeError):
        check_phone(number[:pos] + new + number[pos + 1 :])


@given(st.text(max_size=30))
def test_any_text_fails_only_with_code_error(text: str) -> None:
    with contextlib.suppress(CodeError):
        check_phone(text)


def test_masks_from_the_brief() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0719-8123456") == "0719-***3456"
    assert mask_phone("0719-8123456-801") == "0719-***3456"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧***"
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize("value", [None, "", " ", "张", "1", "12345", "1234567890", "abc"])
def test_masks_of_short_or_odd_input_hide_everything_or_most(value: str | None) -> None:
    for mask in (mask_phone, mask_name, mask_id_number):
        masked = mask(value)
        text = (value or "").strip()
        assert len(masked) == len(text)
        assert masked.count("*") >= len(text) / 2


@given(st.one_of(st.none(), st.text(max_size=40)))
def test_masks_never_raise_and_hide_something(value: str | None) -> None:
    for mask in (mask_phone, mask_name, mask_id_number):
        masked = mask(value)
        if (value or "").strip():
            assert "*" in masked


def test_normalize_code_text() -> None:
    assert normalize_code_text(" ９１３５ 0100ｍ\u3000000\u200b100y43 ") == "91350100M000100Y43"
    assert normalize_code_text("（2023）鄂0322行初15号") == "(2023)鄂0322行初15号"
    assert normalize_code_text("abc", upper=False) == "abc"
    with pytest.raises(CodeError, match="应为文本"):
        normalize_code_text(None)  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_has_no_spaces(text: str) -> None:
    once = normalize_code_text(text)
    assert normalize_code_text(once) == once
    assert not any(ch.isspace() for ch in once)


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3FFFF), max_size=40),
       st.booleans())
def test_normalize_code_text_is_its_definition_whatever_the_text(value: str, upper: bool) -> None:
    import unicodedata

    text = "".join(ch for ch in unicodedata.normalize("NFKC", value)
                   if not ch.isspace() and unicodedata.category(ch) != "Cf")
    expected = unicodedata.normalize("NFKC", text.upper()) if upper else text
    assert normalize_code_text(value, upper=upper) == expected
