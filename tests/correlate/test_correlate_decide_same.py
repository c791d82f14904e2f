"""The cheaper forms of the decision's steps give what the plain ones give: each is checked
against the plain form it replaced."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from hub.correlate import decide, text

_HALVES = st.integers(0, 1000).map(lambda k: (k + 0.5) / 1000)  # at a rounding boundary
_NEAR = st.tuples(_HALVES, st.integers(-50, 50)).map(lambda t: t[0] + t[1] * 2.0 ** -52)


@given(st.floats(0.0, 1.0) | st.floats(allow_nan=False) | _HALVES | _NEAR)
@example(0.0)
@example(-0.0)
@example(1.0)
@example(0.1195)
@example(0.0995)
@example(1e300)
def test_round3_is_round(x: float) -> None:
    fast, plain = decide._round3(x), round(x, 3)
    assert fast == plain and str(fast) == str(plain)


_PIECES = ["半挂", "扣押", "仲裁", "梧桐", "加油站", "工业园区", "招生片区", "上津镇", "返还", "在城",
           "0块钱", "的", "了", "我们", "来电", "反映", "问题", "处理", "车辆", "0", "陈某", "鑫达物流"]
_TEXTS = st.lists(st.sampled_from(_PIECES) | st.text("的了一在是半挂车扣押仲裁梧桐镇路0",
                                                     max_size=4), max_size=30).map("".join)


@given(_TEXTS, _TEXTS, st.lists(st.sampled_from([*_PIECES, "镇", ""]), max_size=3),
       st.sampled_from([0.0, 0.0994, 0.05, 0.3, 0.9]))
def test_rare_word_similarity_with_a_floor(a: str, b: str, names: list[str],
                                           floor: float) -> None:
    """With a floor, the similarity is the same wherever it reaches the floor, and under the
    floor wherever it does not."""
    exact = text.rare_word_similarity(a, b, names)
    floored = text.rare_word_similarity(a, b, names, floor)
    if exact >= floor:
        assert floored == exact
    else:
        assert floored < floor and floored <= exact
