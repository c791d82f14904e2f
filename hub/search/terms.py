"""Turning text into search terms, and a query into the terms it needs (pure).

Text is NFKC-normalized first (full-width letters and digits are the ASCII ones).
Chinese has no spaces, so a run of Han characters becomes its overlapping character pairs
(bigrams) and its last character: 拆迁补偿 → 拆迁 迁补 补偿 偿 (a run of one character is that
character). A query of two or more characters needs all of its bigrams (罚款 → 罚款; 违规罚款 →
违规 规罚 罚款); a one-character query needs a term that starts with that character (a prefix
match, `is_prefix`): every occurrence of a character is the first of a stored pair or a stored
last character, so that finds every text holding it, without storing each character alone
(an index written before stored them too: still found, `hub search rebuild` shrinks it).
Latin letters and digits (case and document numbers: (2024)鄂0322执123号, 郧交罚〔2024〕15号)
become lower-cased tokens of letters and digits, kept whole, matched whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hub.normalize.codes.base import nfkc

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_IS_HAN = re.compile(rf"[{_HAN}]")
_GROUPS = re.compile(rf"([{_HAN}]+)|([0-9a-z]+)")  # (Han run, '') or ('', other run)

MAX_QUERY_TERMS = 32  # a pasted paragraph is cut to its first terms, not a 500-term AND


def _normalized(text: str) -> str:
    """NFKC (hub.normalize.codes.base.nfkc: most Chinese text skips its slow path),
    lower-cased."""
    return nfkc(text).lower()


def _runs(text: str) -> Iterable[str]:
    return [han or other for han, other in _GROUPS.findall(_normalized(text))]


def index_terms(*texts: str | None) -> list[str]:
    """Every distinct term of the texts, in first-seen order (what the index stores).

    The terms go straight into a dict (insertion-ordered; a term seen again keeps its place),
    not into a list then `dict.fromkeys` (terms ~56 -> ~42 µs per clue, bench/compute_cost.py's
    clues)."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for han, other in _GROUPS.findall(_normalized(text)):
            if other:
                seen[other] = None
                continue
            prev = han[0]  # each pair, then the last character: 拆迁 迁补 补偿 偿
            for char in han[1:]:
                seen[prev + char] = None
                prev = char
            seen[prev] = None
    return list(seen)


def is_prefix(term: str) -> bool:
    """Whether a query term is one Han character, matched by any stored term it starts (the
    character itself or a pair it begins); every other term is matched whole."""
    return len(term) == 1 and _IS_HAN.match(term) is not None


def query_terms(query: str | None) -> list[str]:
    """The terms a clue must have to match the query (all of them; a one-Han-character term
    by prefix, `is_prefix`); [] when there are none."""
    seen: dict[str, None] = {}
    for run in _runs(query or ""):
        if _IS_HAN.match(run) and len(run) > 1:
            for i in range(len(run) - 1):
                seen.setdefault(run[i:i + 2], None)
        else:
            seen.setdefault(run, None)
    return list(seen)[:MAX_QUERY_TERMS]


def highlight_words(query: str | None) -> list[str]:
    """The pieces of the query to mark in what is shown (longest first)."""
    return sorted(set(_runs(query or "")), key=len, reverse=True)


def snippet(text: str, words: list[str], width: int = 60) -> str:
    """A window of `text` around the first word found (the whole text when short)."""
    if len(text) <= width:
        return text
    lowered = text.lower()
    hits = [p for w in words if (p := lowered.find(w)) >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
