"""Names that look alike: a skeleton to compare agency and body names by what a reader sees.

NFKC folds full-width and compatibility forms (`ＡＢＣ` → `ABC`, `⑴` → `(1)`); format and
control characters (zero-width spaces, joiners, bidi overrides) are invisible and dropped;
a few Latin/Cyrillic/Greek letters that render like each other map to one letter. Enough to
stop "十堰市中级人民法院" registered again with a zero-width space inside, not a full
Unicode TR39 implementation.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters that render like Latin ones, to their Latin look-alike.
_LOOKALIKES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "к": "k", "м": "m", "т": "t", "н": "h", "в": "b",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "ο": "o", "ν": "v", "ρ": "p",
    "〇": "o", "丨": "|",
})


def invisible(char: str) -> bool:
    """Format (Cf) and control (Cc) characters, and every kind of space."""
    return unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def skeleton(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in folded if not invisible(c)).translate(_LOOKALIKES)


def same_name(a: str, b: str) -> bool:
    """True when two names would look the same to a reader (after folding look-alikes)."""
    return skeleton(a) == skeleton(b)


def has_invisible(text: str) -> bool:
    """True when a one-line name carries characters a reader cannot see (other than space)."""
    return any(invisible(c) and c != " " for c in text)
