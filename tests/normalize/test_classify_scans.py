"""The classifier's fast scans against straightforward references, on random text made of the
characters that matter (keyword and phrase characters, digits, brackets, punctuation)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.normalize.classify import _normalize, _rules
from hub.normalize.phrases import Phrases, needed_chars

RULES = _rules()
WORDS = sorted({word for _, table in RULES.scanners for word in table})
PHRASES = RULES.phrases.patterns
PHRASE_TEXT = "".join(p.search.__self__.pattern for p in PHRASES)
ALPHABET = sorted(set("".join(WORDS)) | set(re.sub(r"[\\\[\]()?:*+{}|^$.<=!]", "", PHRASE_TEXT))
                  | set("0123456789０１２３（）〔〕《》，。、 鄂执行初终司建跑了趟你好请问"))
PIECES = st.one_of(st.sampled_from(WORDS), st.text(st.sampled_from(ALPHABET), max_size=4),
                   st.sampled_from(["(2024)鄂0322执12号", "〔2023〕5号", "检察建议〔", "政复决〔",
                                    "生效后三个月仍未", "判决至今未", "向他索要", "拖了两个月",
                                    "举报后没有处理", "跑了三趟", "你好，请问", "排队到两天",
                                    "《关于加强管理的通知》", "交了税", "文件规定", "不跟我们商量",
                                    "不归我们管", "这个说找那个", "一拨人", "开了个单子", "开证明",
                                    "请城管来查处", "公告里规定", "事先没有问过"]))
TEXTS = st.lists(PIECES, max_size=30).map("".join).map(_normalize)


def reference_keywords(text: str, words: set[str]) -> list[str]:
    """Left to right, the longest keyword at each position, skipping past what it covers."""
    longest = max(map(len, words))
    found, pos = [], 0
    while pos < len(text):
        for size in range(min(longest, len(text) - pos), 0, -1):
            if text[pos : pos + size] in words:
                found.append(text[pos : pos + size])
                pos += size
                break
        else:
            pos += 1
    return found


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_keyword_scans_find_the_longest_words_left_to_right(text):
    for findall, table in RULES.scanners:
        assert findall(text) == reference_keywords(text, set(table))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_phrase_candidates_keep_every_regex_that_matches(text):
    candidates = RULES.phrases.candidates(text)
    for pattern in PHRASES:
        assert (pattern in candidates) or pattern.search(text) is None


REGEXES = [r"ab", r"a[bc]d", r"(?:x|yz)+w", r"q?r", r"(?<=m)n", r"(?!s)t", r"[^u]v", r"\d+号",
           r"(?:e|)f", r"g{0,2}h", r"(?i)K", r"(?i:L)m", r"[0-9]", r"(?>o)p"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(REGEXES), st.text(st.sampled_from("abcdefghklmnopqrstuvwxyzKL12号"),
                                         max_size=12))
def test_needed_chars_hold_for_any_match(pattern, text):
    regex = re.compile(pattern)
    if regex.search(text):
        assert all(set(text) & chars for chars in needed_chars(regex))


def test_phrases_without_needs_are_always_searched():
    phrases = Phrases([p._replace(needs=()) for p in PHRASES[:3]], {})
    assert phrases.candidates("") == tuple(phrases.patterns)


def test_every_weight_sums_exactly_in_any_order():
    """The tallies add hits in the order the scans find them (a set's order, which varies
    with the process's hash seed): the sums, and so the verdicts, are the same in every
    process only because every weight, the title's multiplier and every channel prior are
    multiples of 1/4, which floats add exactly."""
    weights = [weight for _, table in RULES.scanners for entry in table.values()
               for _, weight in entry]
    weights += [pattern.weight for pattern in PHRASES]
    weights += [RULES.title_weight]
    weights += [prior for priors in RULES.priors.values() for prior in priors.values()]
    assert weights
    assert all((weight * 4).is_integer() for weight in weights)
