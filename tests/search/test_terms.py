"""Search terms: every piece of a text a user might type finds the text (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub.search.present import mark
from hub.search.terms import index_terms, is_prefix, query_terms

HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40), min_size=1, max_size=30)
MIXED = st.text(st.sampled_from("罚款拆迁补偿执行号（）〔〕()2024鄂0322行初15abcXYZ ，。"),
                min_size=1, max_size=40)


def _found(stored: set[str], terms: list[str]) -> bool:
    """Whether a clue with these stored terms matches: every query term, a one-Han-character
    term by prefix (PostgreSQL's 'c':*, FTS5's "c"*), any other whole."""
    return all(any(s.startswith(t) for s in stored) if is_prefix(t) else t in stored
               for t in terms)


@given(HAN, st.data())
def test_any_piece_of_chinese_text_is_found(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assert _found(set(index_terms(text)), query_terms(text[start:end]))


def _index_terms_plainly(*texts: str | None) -> list[str]:
    """Every pair of neighbouring characters of a Han run and its last character, every
    other run, in order, then the first of each."""
    from hub.search.terms import _GROUPS, _normalized

    terms = []
    for text in texts:
        for han, other in _GROUPS.findall(_normalized(text or "")):
            if other:
                terms.append(other)
                continue
            terms += [han[i:i + 2] for i in range(len(han) - 1)] + [han[-1]]
    return list(dict.fromkeys(terms))


@given(st.lists(MIXED | HAN | st.none() | st.just(""), max_size=4))
def test_index_terms_are_each_term_once_in_first_seen_order(texts):
    assert index_terms(*texts) == _index_terms_plainly(*texts)


@given(MIXED)
def test_the_whole_text_finds_itself(text):
    assert _found(set(index_terms(text)), query_terms(text))


def test_terms_of_words_and_numbers():
    assert query_terms("罚款") == ["罚款"]
    assert query_terms("违规罚款") == ["违规", "规罚", "罚款"]
    assert query_terms("罚") == ["罚"]
    assert query_terms("(2023)鄂0322行初15号") == ["2023", "鄂", "0322", "行初", "15", "号"]
    assert query_terms("ＡＢ１２") == ["ab12"]  # full-width, as typed with a Chinese input method
    assert query_terms("，。") == []
    assert index_terms("对摊贩一律罚款") == ["对摊", "摊贩", "贩一", "一律", "律罚", "罚款", "款"]
    assert index_terms("罚，款 AB１２") == ["罚", "款", "ab12"]
    assert [is_prefix(t) for t in query_terms("罚 款项 a 1")] == [True, False, False, False]


def test_marked_words_are_escaped():
    assert str(mark("<b>罚款</b>未退", "罚款")) == "&lt;b&gt;<mark>罚款</mark>&lt;/b&gt;未退"
    assert str(mark("案号ABC-1", "abc")) == "案号<mark>ABC</mark>-1"
