"""Reading a JSON body: orjson's parser, plus the two checks it does not make.

- Nesting deeper than the hub's limit is refused, naming the path. orjson reads 1024 levels
  but writes back only 254: anything stored deeper could never be answered again.
- A key sent twice in one object is refused (orjson keeps the last one without a word).

Both checks cost one walk over the parsed containers and one orjson write; the slow work of
finding *where* a problem is runs only when there is one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

from hub.contract.messages import body_error
from hub.errors import FieldError

# Every string (a key when a colon follows) and every structural character, in order. Inside
# a valid JSON text no quote stands outside a string, so the strings are found exactly.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?|[\[\]{},]', re.DOTALL)
Loc = tuple[str | int, ...]


class JsonRefused(Exception):
    """The body (or one item of it) is not JSON the hub will take; one entry per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors[0].msg)
        self.errors = errors


def loads(raw: bytes, max_depth: int, prefix: Loc = ("body",), shown_depth: int | None = None
          ) -> Any:
    """The parsed body, or JsonRefused naming the path of what is wrong with it.
    (`shown_depth`: the limit as the partner knows it, when `raw` is one item of a body.)"""
    shown_depth = shown_depth or max_depth
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        where = _deep_in_text(raw, max_depth)
        if where is not None:
            raise JsonRefused([too_deep(prefix, where, shown_depth)]) from None
        raise JsonRefused([body_error("请求体不是合法的 UTF-8 JSON", prefix, "json_invalid")]) from None
    if type(data) is not dict and type(data) is not list:
        return data
    if _too_deep(data, max_depth):
        raise JsonRefused([too_deep(prefix, _deep_path(data, max_depth), shown_depth)])
    if _repeats_a_key(raw, data):
        raise JsonRefused([duplicate(prefix, _duplicate_path(raw))])
    return data


@dataclass
class Item:
    """One element of a batch array: its value, or why it was refused; its bytes as sent
    when they had to be cut out of the body (the slow path)."""

    value: Any = None
    errors: list[FieldError] | None = None
    raw: bytes | None = None


def loads_items(raw: bytes, key: str, max_depth: int, prefix: Loc = ("body",)
                ) -> tuple[dict[str, Any], list[Item]]:
    """A body `{key: [...], ...}` whose items are judged one by one: a too-deep item or one
    with a repeated key is refused alone, the others go on. The envelope (everything but the
    items) must be sound, or the whole body is refused."""
    try:
        body = loads(raw, max_depth, prefix)
    except JsonRefused as refused:
        located = refused.errors[0].loc[len(prefix):len(prefix) + 2]
        if len(located) < 2 or located[0] != key or not isinstance(located[1], int):
            raise
        return _item_by_item(raw, key, max_depth, prefix, refused)
    items = body.get(key) if isinstance(body, dict) else None
    return body, [Item(v) for v in items] if isinstance(items, list) else []


def _item_by_item(raw: bytes, key: str, max_depth: int, prefix: Loc,
                  refused: JsonRefused) -> tuple[dict[str, Any], list[Item]]:
    spans = _item_spans(raw, key)
    if spans is None:
        raise refused
    start, end, parts = spans
    body = loads(raw[:start] + b"[]" + raw[end:], max_depth, prefix)
    items = []
    for i, part in enumerate(parts):
        try:
            items.append(Item(loads(part, max_depth - 2, (*prefix, key, i), max_depth), raw=part))
        except JsonRefused as one:
            if one.errors[0].type == "json_invalid":  # not JSON at all: nothing is salvaged
                raise JsonRefused([body_error("请求体不是合法的 UTF-8 JSON", prefix,
                                              "json_invalid")]) from None
            items.append(Item(errors=one.errors, raw=part))
    return body, items


def too_deep(prefix: Loc, where: Loc, max_depth: int) -> FieldError:
    loc = [*prefix, *where]
    return FieldError(loc, f"{_short(where)}：JSON 嵌套超过 {max_depth} 层（从请求体算起），"
                           "请减少嵌套层数", "json_too_deep")


def duplicate(prefix: Loc, where: Loc) -> FieldError:
    return FieldError([*prefix, *where], f"{_short(where)}：同一对象中字段名重复出现，"
                                         "请只保留一个", "json_duplicate_key")


def _short(where: Loc) -> str:
    parts = [str(p) for p in where]
    if len(parts) > 8:
        parts = [*parts[:4], "…", *parts[-3:]]
    return ".".join(parts) or "请求体"


def _too_deep(data: Any, max_depth: int) -> bool:
    """Whether any container lies deeper than max_depth (the body itself is level 1)."""
    stack = [(data, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        value, depth = pop()
        if depth > max_depth:
            return True
        for child in value.values() if type(value) is dict else value:
            kind = type(child)
            if kind is dict or kind is list:
                push((child, depth + 1))
    return False


def _repeats_a_key(raw: bytes, data: Any) -> bool:
    """Whether some object in the text repeats a key. Outside strings, the only colons in JSON
    text separate keys from values; orjson never escapes a colon. So the text has more colons
    than the parsed data written back exactly when a key (with its value) was dropped, unless
    a colon was escaped as \\u003a (then the slow, exact way decides)."""
    if b"\\u003" in raw:
        return bool(_duplicate_path(raw))
    return raw.count(b":") != orjson.dumps(data).count(b":")


def _deep_path(data: Any, max_depth: int) -> Loc:
    stack: list[tuple[Any, Loc]] = [(data, ())]
    while stack:
        value, loc = stack.pop()
        if len(loc) >= max_depth:
            return loc
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend((child, (*loc, k)) for k, child in pairs if isinstance(child, (dict, list)))
    return ()


class _Pairs(dict):
    repeated: str | None = None


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    made = _Pairs(pairs)
    if len(made) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                made.repeated = key
                break
            seen.add(key)
    return made


def _duplicate_path(raw: bytes) -> Loc:
    """Where the first repeated key is (parsed again, slowly, only when there is one)."""
    stack: list[tuple[Any, Loc]] = [(json.loads(raw, object_pairs_hook=_pairs), ())]
    while stack:
        value, loc = stack.pop(0)
        if isinstance(value, _Pairs) and value.repeated is not None:
            return (*loc, value.repeated)
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend((child, (*loc, k)) for k, child in pairs if isinstance(child, (dict, list)))
    return ()


def _walk(raw: bytes):  # noqa: ANN202 - yields (token match, stack of [kind, key or index])
    stack: list[list[Any]] = []
    for match in _TOKENS.finditer(raw):
        token = match.group(0)
        yield match, stack
        if token in (b"{", b"["):
            stack.append([token, None if token == b"{" else 0])
        elif token in (b"}", b"]"):
            if stack:
                stack.pop()
        elif token == b",":
            if stack and stack[-1][0] == b"[":
                stack[-1][1] += 1
        elif match.group(1) and stack and stack[-1][0] == b"{":
            stack[-1][1] = _key(token[:match.start(1) - match.start(0)])


def _key(quoted: bytes) -> str:
    try:
        return json.loads(quoted)
    except ValueError:
        return quoted.decode("utf-8", "replace")


def _deep_in_text(raw: bytes, max_depth: int) -> Loc | None:
    """The path to the first container past max_depth, read from the text itself (for bodies
    orjson gives up on: past 1024 levels)."""
    for match, stack in _walk(raw):
        if match.group(0) in (b"{", b"[") and len(stack) >= max_depth:
            return tuple(entry[1] for entry in stack)
    return None


def _item_spans(raw: bytes, key: str) -> tuple[int, int, list[bytes]] | None:
    """Where the array `key` of the top object starts and ends, and each item's bytes."""
    start = end = None
    parts: list[bytes] = []
    item_from = 0
    for match, stack in _walk(raw):
        token = match.group(0)
        if start is None:
            if token == b"[" and len(stack) == 1 and stack[0][1] == key:
                start, item_from = match.start(), match.end()
        elif len(stack) == 2 and token in (b",", b"]"):
            part = raw[item_from:match.start()].strip()
            if part or token == b",":
                parts.append(part)
            item_from = match.end()
            if token == b"]":
                end = match.end()
                break
    return None if start is None or end is None else (start, end, parts)
