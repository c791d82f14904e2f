"""The cheaper forms of the decision's steps give what the plain ones give: each is checked
against the plain form it replaced."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from hub.correlate import decide

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
