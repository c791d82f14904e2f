"""The condition helpers against straightforward references, on random text made of the
characters that matter (full-width and half-width ASCII, ideographic space, CJK)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.route.conditions import Folded, _excerpt, _found, fold

FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
CHARS = "ＡＢＣａｂｃ０１９（）！～\u3000\uff5f\uff00ABCabc09() 罚款指标执法\n"
TEXT = st.text(st.sampled_from(CHARS), max_size=40)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_fold_maps_every_full_width_character(text):
    assert fold(text) == text.translate(FULL_WIDTH).lower()


def found_reference(word, folded_word, text):
    """Where the keyword is, said as first written: one list of zones, the last one quoted."""
    zones = [("标题", text.title, text.originals[0]), ("内容", text.content, text.originals[1])]
    places = [(label, zone, original) for label, zone, original in zones if folded_word in zone]
    if not places:
        return None
    said = f"关键词“{word}”出现在{'和'.join(label for label, _, _ in places)}中"
    _, zone, original = places[-1]
    return said + _excerpt(zone, original, folded_word)


@settings(max_examples=500, deadline=None)
@given(TEXT, TEXT, st.sampled_from(["罚款", "ａｂ", "ab", "(", "指标执法", "x"]))
def test_found_says_the_zones_and_quotes_the_last(title, content, word):
    text = Folded(fold(title), fold(content), (title, content))
    got = _found("keywords.any_of", word, fold(word), text)
    expected = found_reference(word, fold(word), text)
    assert (got.text if got else None) == expected
