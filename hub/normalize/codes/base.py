"""The error type and the text clean-up every code check starts with."""

from __future__ import annotations

import re
import unicodedata

# Shown values are cut so a pasted paragraph does not end up in an error message.
_SHOW_MAX = 24


class CodeError(ValueError):
    """A code is malformed; the message is plain Chinese, meant for partner engineers."""


def normalize_code_text(value: str, *, upper: bool = True) -> str:
    """NFKC, strip, drop inner whitespace and invisible format characters, uppercase."""
    if not isinstance(value, str):
        raise CodeError(f"应为文本，实际为 {type(value).__name__}")
    if value.isascii():  # NFKC leaves ASCII as it is (and its upper case)
        text = visible(value)
        return text.upper() if upper else text
    text = visible(unicodedata.normalize("NFKC", value))
    # Upper-casing a few Greek letters yields a decomposed form; compose again to stay stable.
    return unicodedata.normalize("NFKC", text.upper()) if upper else text


# The full-width forms (and the ideographic space) by their compatibility decompositions.
_DECOMPOSED = {c: d for c in map(chr, (0x3000, *range(0xFF00, 0xFFF0)))
               if (d := unicodedata.normalize("NFKD", c)) != c}
_FULL_WIDTH = re.compile("[" + "".join(map(re.escape, _DECOMPOSED)) + "]")


def _decomposed(match: re.Match[str]) -> str:
    return _DECOMPOSED[match.group()]


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, the full-width forms first replaced by their
    compatibility decompositions (what NFKC starts from anyway, so the result is the same).
    That leaves most Chinese text normalized already: NFKC's quick check passes and its slow
    path, the one a single full-width comma takes, is skipped (~16 -> ~5 µs per clue over
    the texts of bench/compute_cost.py's clues)."""
    return unicodedata.normalize("NFKC", _FULL_WIDTH.sub(_decomposed, text))


def visible(text: str) -> str:
    """The text without whitespace and invisible format characters (Cf: the zero-width
    spaces and BOMs that ride along with copy-pasted text)."""
    if " " not in text and text.isprintable():  # no separator, no Other: nothing to take out
        return text
    if text.isascii():  # no ASCII character is Cf
        return "".join(text.split())
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def shown(value: str) -> str:
    """The value as quoted in a message, shortened when long."""
    if len(value) > _SHOW_MAX:
        value = value[: _SHOW_MAX - 1] + "…"
    return f"“{value}”"
