"""The JSON body reader: what orjson takes, less nesting past the limit and repeated keys,
each refusal naming the path."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.contract import jsonbody

LIMIT = 8
keys = st.text(st.characters(codec="utf-8", exclude_characters='"\\'), max_size=4) | st.sampled_from(
    ["a", "a:b", ":", "键", "\\", '"'])
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=6)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(keys, inner, max_size=3), max_leaves=12)


def depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


def nest(value: object, levels: int) -> tuple[object, bytes]:
    """`value` inside `levels` more containers, and its JSON text (written level by level:
    orjson writes 254 levels at most, Python's recursion stops near 1000)."""
    raw = orjson.dumps(value)
    for i in range(levels):
        value, raw = ({"k": value}, b'{"k":' + raw + b"}") if i % 2 else ([value],
                                                                          b"[" + raw + b"]")
    return value, raw


@settings(max_examples=200, deadline=None)
@given(values)
def test_any_json_nested_within_the_limit_reads_as_orjson_reads_it(value):
    raw = orjson.dumps(value)
    if depth(value) <= LIMIT:
        assert jsonbody.loads(raw, LIMIT) == orjson.loads(raw)
    else:
        with pytest.raises(jsonbody.JsonRefused):
            jsonbody.loads(raw, LIMIT)


@settings(max_examples=100, deadline=None)
@given(values, st.integers(1, 1100), st.booleans())
def test_json_deeper_than_the_limit_is_refused_naming_a_path_that_leads_there(value, extra,
                                                                             spaced):
    nested, text = nest(value, LIMIT + extra)
    body, raw = {"extra": nested}, b'{"extra":' + text + b"}"
    if spaced:
        raw = raw.replace(b",", b" , ").replace(b":", b" : ")
    with pytest.raises(jsonbody.JsonRefused) as refused:
        jsonbody.loads(raw, LIMIT)
    (error,) = refused.value.errors
    assert error.type == "json_too_deep" and f"超过 {LIMIT} 层" in error.msg
    assert error.loc[0] == "body" and len(error.loc) == LIMIT + 1
    where = body
    for part in error.loc[1:]:
        where = where[part]
    assert isinstance(where, (dict, list))  # the path names the container past the limit


@settings(max_examples=200, deadline=None)
@given(values, st.data())
def test_a_key_repeated_anywhere_is_refused_naming_it(value, data):
    body = {"root": value}
    containers = [((), body)]
    for loc, node in containers:
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        containers += [((*loc, k), v) for k, v in pairs if isinstance(v, (dict, list))]
    objects = [(loc, node) for loc, node in containers if isinstance(node, dict) and node]
    loc, target = data.draw(st.sampled_from(objects))
    key = data.draw(st.sampled_from(sorted(target)))
    doubled = orjson.dumps(target)[:-1] + b"," + orjson.dumps(key) + b':"again"}'
    raw = _replace_at(body, loc, doubled)
    with pytest.raises(jsonbody.JsonRefused) as refused:
        jsonbody.loads(raw, 100)
    (error,) = refused.value.errors
    assert error.type == "json_duplicate_key" and error.loc == ["body", *loc, key]


def _replace_at(body: dict, loc: tuple, replacement: bytes) -> bytes:
    """The body written again, with the container at `loc` written as `replacement`."""
    def write(value: object, here: tuple) -> bytes:
        if here == loc:
            return replacement
        if isinstance(value, dict):
            return b"{" + b",".join(orjson.dumps(k) + b":" + write(v, (*here, k))
                                    for k, v in value.items()) + b"}"
        if isinstance(value, list):
            return b"[" + b",".join(write(v, (*here, i)) for i, v in enumerate(value)) + b"]"
        return orjson.dumps(value)
    return write(body, ())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["good", "deep", "doubled", "broken"]), min_size=1, max_size=6))
def test_in_a_batch_only_the_bad_items_are_refused(kinds):
    parts = {"good": b'{"a": [1, {"b": 2}]}', "deep": b'{"a": ' + b"[" * 30 + b"]" * 30 + b"}",
             "doubled": b'{"a": 1, "b": {"c": 1, "c": 2}}', "broken": b'{"a": tru}'}
    raw = b'{"clues": [' + b", ".join(parts[k] for k in kinds) + b"], \"note\": 1}"
    if "broken" in kinds:  # not JSON: the body as a whole is refused, whatever else is in it
        with pytest.raises(jsonbody.JsonRefused):
            jsonbody.loads_items(raw, "clues", LIMIT)
        return
    body, items = jsonbody.loads_items(raw, "clues", LIMIT)
    assert body["note"] == 1 and len(items) == len(kinds)
    for i, (kind, item) in enumerate(zip(kinds, items, strict=True)):
        if kind == "good":
            assert item.errors is None and item.value == {"a": [1, {"b": 2}]}
        else:
            assert item.errors[0].loc[:3] == ["body", "clues", i]
            assert item.errors[0].type == ("json_too_deep" if kind == "deep"
                                           else "json_duplicate_key")
            assert item.raw == parts[kind]


def test_a_repeated_key_outside_the_items_refuses_the_whole_body():
    with pytest.raises(jsonbody.JsonRefused) as refused:
        jsonbody.loads_items(b'{"clues": [{"a": {"b": 1, "b": 1}}], "clues": []}', "clues", LIMIT)
    assert refused.value.errors[0].loc == ["body", "clues"]
