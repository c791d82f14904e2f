"""Retention takes the reporter's identifiers out of free text, and nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub.privacy.redact import MARK, redact

CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), max_size=30)
MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ID_NUMBER = st.from_regex(r"[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
                          r"[0-9]{3}[0-9X]", fullmatch=True)


def test_a_hotline_work_order_loses_the_callers_name_phone_and_id_but_not_the_problem():
    text = ("来电人张先生（电话13812345678，身份证420322199001011234）反映：郧西县交警大队"
            "对货车按指标罚款，每车罚款2000元，见(2023)鄂0322行初15号、郧检行建〔2023〕5号；"
            "联系座机0719-8123456。回访请找张先生本人。")
    out, count = redact(text, ["张先生", "13812345678", None])
    assert out == ("来电人[已清除]（电话[已清除]，身份证[已清除]）反映：郧西县交警大队"
                   "对货车按指标罚款，每车罚款2000元，见(2023)鄂0322行初15号、郧检行建〔2023〕5号；"
                   "联系座机[已清除]。回访请找[已清除]本人。")
    assert count == 5


def test_a_one_character_name_is_not_hunted_through_the_text():
    assert redact("王某反映王家沟村道路损毁", ["王"]) == ("王某反映王家沟村道路损毁", 0)


@given(before=CJK, after=CJK, phone=MOBILE)
def test_any_mobile_number_between_words_goes(before, after, phone):
    out, count = redact(f"{before}{phone}{after}")
    assert phone not in out and count == 1 and out == f"{before}{MARK}{after}"


@given(before=CJK, after=CJK, number=ID_NUMBER)
def test_any_id_number_between_words_goes(before, after, number):
    out, _ = redact(f"{before}身份证号{number}{after}")
    assert number not in out and out == f"{before}身份证号{MARK}{after}"


@given(text=CJK, name=st.text(alphabet="张王李赵欧阳明华", min_size=2, max_size=4))
def test_a_known_name_never_survives(text, name):
    out, _ = redact(f"{text}{name}{text}{name}", [name])
    assert name not in out


@given(text=st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=200))
def test_text_without_digits_or_known_values_is_left_alone(text):
    assert redact(text) == (text, 0)


@given(amount=st.integers(min_value=0, max_value=10**25))
def test_digit_runs_that_are_not_phone_numbers_stay(amount):
    text = f"罚款{amount}元"
    if len(str(amount)) not in (11, 18):  # the lengths of a mobile and an ID number
        assert redact(text) == (text, 0)
