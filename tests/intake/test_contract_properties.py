"""Whatever a partner sends, validation answers with named fields in plain words, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.contract.v1 import ClueSubmission
from hub.errors import FieldError
from hub.intake.service import validate_clue
from tests.support import factories

FIELDS = ["source_ref", "channel", "reported_at", "title", "content", "category", "region_code",
          "subjects", "references", "reporter", "urgency", "attachments", "extra", "colour"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)


def _check(data: object) -> None:
    result = validate_clue(data)
    if isinstance(result, ClueSubmission):
        return
    assert result
    for error in result:
        assert isinstance(error, FieldError)
        assert error.loc[0] == "body" and error.msg.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.msg), error.msg


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8))
def test_arbitrary_objects_get_named_errors_or_pass(data):
    _check(data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FIELDS[:-1]), json_values)
def test_one_field_replaced_by_anything(field, value):
    data = factories.clue()
    data[field] = value
    _check(data)


@given(json_values)
def test_anything_that_is_not_an_object_is_refused(value):
    if not isinstance(value, dict):
        _check(value)
