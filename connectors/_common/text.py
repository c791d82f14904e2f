"""Text clean-up for native field values.

Codes and dates are normalized fully (NFKC) where they are parsed. Free text keeps its
Chinese punctuation: only full-width digits, letters and spaces become half-width.
"""

from __future__ import annotations

import re

_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp - 0xFEE0).isalnum()}
_HALFWIDTH[0x3000] = 0x20  # ideographic space
_HALFWIDTH.update({cp: None for cp in (0x200B, 0x200C, 0x200D, 0xFEFF)})  # zero-width marks
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# Any character `_HALFWIDTH` changes: most values have none, and a search for one is a C loop
# where `str.translate` with a dict looks up every character of a Chinese text.
_TO_CHANGE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_HALFWIDTH)) + "]")


def halfwidth(text: str) -> str:
    """Full-width digits, Latin letters and spaces as half-width; the rest unchanged."""
    if text.isascii() or _TO_CHANGE.search(text) is None:
        return text
    return text.translate(_HALFWIDTH)


def clean(value: object) -> str | None:
    """A field value as tidy text, or None when it is missing or blank.

    Spreadsheets give numbers for numeric-looking cells: 13812345678.0 is read as 13812345678.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = halfwidth(value).strip()
    return text or None


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_sentence(text: str, limit: int = 60) -> str:
    """The first sentence of `text` (to 。！？；), at most `limit` characters."""
    head = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip() or text.strip()
    return shorten(head, limit)
