"""Which phrase regexes of the classifier a text can match, told by the characters it holds
(pure; hub.normalize.classify). Most phrase regexes need a character few clues have: one scan
for those characters picks the few regexes worth a search."""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as _sre  # the parsed form of the phrase regexes
from re import _parser as _sre_parser
from typing import Any


class Phrases:
    """The phrase regexes, and which of them a text can match.

    Each regex needs one character of a set (its rarest by `frequency`, character counts in
    clue text: hub.normalize.classify counts its evaluation set's): 鄂 for
    a case number, 〔 for a document number, 索 for 索要. One scan for those characters picks
    the few regexes worth a search; the rest cannot match. The picks are kept per set of
    characters found (4,096 sets at most). Searching all 28 regexes in both zones cost
    15 µs per bench/synth.py clue; the scan and the few searches cost 6 to 10 (timed
    alternately in one process).
    """

    def __init__(self, patterns: list[Any], frequency: dict[str, int]) -> None:
        self.patterns = patterns
        self.keys = [min(p.needs, key=lambda chars: (sum(frequency.get(c, 0) for c in chars),
                                                     len(chars), sorted(chars)))
                     if p.needs else None for p in patterns]
        chars = "".join(map(re.escape, sorted(set().union(*(key for key in self.keys if key)))))
        self.find_keys = re.compile(f"[{chars}]").findall if chars else (lambda text: [])
        self.picked: dict[frozenset[str], tuple[Any, ...]] = {}

    def candidates(self, text: str) -> tuple[Any, ...]:
        """The regexes that can match in `text`, in rule order."""
        found = frozenset(self.find_keys(text))
        picked = self.picked.get(found)
        if picked is None:
            picked = tuple(p for p, key in zip(self.patterns, self.keys, strict=True)
                           if key is None or not key.isdisjoint(found))
            if len(self.picked) >= 4096:
                self.picked.clear()
            self.picked[found] = picked
        return picked


def needed_chars(regex: re.Pattern) -> tuple[frozenset[str], ...]:
    """Character sets of which any text the regex matches in holds at least one char each.

    Most phrase regexes need a character few clues have (鄂, 〔, 索, 《 …): a set test skips
    their search. Read from the parsed regex: literals, character classes, and what
    alternatives, groups, repeats of at least one and positive lookarounds must contain;
    anything else (case folding, \\d, negated classes) adds no condition. Empty: always search.
    """
    if regex.flags & re.IGNORECASE:
        return ()
    try:
        parsed = _sre_parser.parse(regex.pattern, regex.flags)
    except Exception:  # a parser of another Python: just search every time
        return ()
    return tuple(_needs_of(parsed))


def _needs_of(items: Iterable) -> list[frozenset[str]]:
    needs: list[frozenset[str]] = []
    for op, av in items:
        if op is _sre.LITERAL:
            needs.append(frozenset(chr(av)))
        elif op is _sre.IN:
            chars = _class_chars(av)
            if chars:
                needs.append(chars)
        elif op is _sre.SUBPATTERN:
            _, add_flags, _, sub = av
            if not add_flags & re.IGNORECASE:
                needs += _needs_of(sub)
        elif op is _sre.ATOMIC_GROUP:
            needs += _needs_of(av)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            needs += _needs_of(av[2])
        elif op is _sre.ASSERT:  # a positive lookahead or lookbehind: in the text too
            needs += _needs_of(av[1])
        elif op is _sre.BRANCH:
            firsts = [_needs_of(alternative)[:1] for alternative in av[1]]
            if all(firsts):
                needs.append(frozenset().union(*(first[0] for first in firsts)))
    return needs


def _class_chars(items: list) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < 256:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:  # NEGATE, CATEGORY (\d, \s …), a wide range
            return None
    return frozenset(chars)
