"""Explainable rule-based classification of a clue's category and enforcement field.

`classify(title, content, channel)` scores weighted keywords and phrases kept as data in
`classify_data/rules.json` and returns the best category, the enforcement field (执法领域),
a confidence in 0..1 and the keywords that decided it (`matched`, shown to reviewers).

Scoring (deterministic, no I/O after the rules are loaded once):

* Text is lower-cased and full-width ASCII (（）０-９Ａ-Ｚ) is folded to half-width.
* Literal keywords are found with one precompiled trie regex per kind (category, field),
  scanning left to right, longest keyword first, without overlaps: "失信被执行人" hides
  the "被执行人" inside it. A few regular expressions add phrase rules (案号, 文号,
  "判决生效后…未…", "未征求意见" …). Each keyword counts once per zone: weight x
  `title_weight` when in the title, plus weight x 1 when in the content.
* Channel priors (`channel_priors`) are added only to categories that already have text
  evidence, so a channel alone never decides and `matched` is never empty for a category
  other than `other`.
* The highest score wins (ties: the order of CATEGORY_LABELS). Below `min_category_score`
  the clue is `other`. The field is chosen the same way, independently of the category,
  and is None below `min_field_score`.

Labelling rules (the evaluation set follows them; keyword weights encode them):

* judgment_compliance: a body does not perform an effective judgment, ruling, mediation
  document or state-compensation decision (未履行/拒不履行/申请执行/失信被执行人/判决生效后
  仍未…). A court clue that only reports an act revoked or declared unlawful is classified by
  the act itself (usually enforcement): the court channel prior (+2) is smaller than the
  enforcement cues, so "判决撤销行政拘留决定" stays enforcement.
* recommendation_compliance: any clue about a 检察建议 or 司法建议 (sent, ignored, answered
  late or only on paper), whatever the channel; procuratorate clues without one (e.g. 非诉执行
  监督 findings) are classified by their content.
* review_correction: a 行政复议 decision that revokes, changes or declares unlawful an act or
  orders performance, a 复议意见书, or non-performance of such a decision. Review wording
  outweighs the enforcement wording of the revoked act.
* legislation: 规范性文件 / 红头文件 / local regulations and rules: unlawful provisions,
  missing legality review, filing, clean-up, proposals to enact or amend, 附带审查.
* official_conduct: work style of officials: 懒政怠政, 推诿扯皮, 吃拿卡要, bribes, absence,
  interference, retaliation. A failure to enforce in one concrete case (举报不查) is
  enforcement; it becomes official_conduct when the text is about the officials' conduct.
* business_environment: harm to enterprises from government: arrears (拖欠账款), broken
  investment promises, market-entry barriers, designated intermediaries, levies, excessive
  inspections of enterprises, 过头税, police meddling in business disputes.
* decision: major administrative decisions and plans made without public participation,
  expert argument, risk assessment, legality review or collective discussion.
* public_service: service delivery (政务服务): windows, materials, certificates, time limits,
  online services, repeated trips.
* enforcement: penalties, coercive measures, inspections, enforcement conduct and failures.
* other: consultations, private disputes, thanks, requests not about unlawful government acts.

The field is the sector of the body or matter concerned (e.g. 交警 → public_security,
林业局 → natural_resources, 水利/民政/医保 → `other`), or None when none is named.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from hub.normalize.phrases import Phrases, needed_chars

CATEGORY_LABELS: dict[str, str] = {
    "enforcement": "行政执法",
    "decision": "行政决策",
    "public_service": "政务服务",
    "business_environment": "营商环境",
    "judgment_compliance": "履行生效裁判",
    "review_correction": "行政复议纠错",
    "recommendation_compliance": "落实检察/司法建议",
    "official_conduct": "不作为慢作为乱作为",
    "legislation": "立法/规范性文件",
    "other": "其他",
}

FIELD_LABELS: dict[str, str] = {
    "transport": "交通运输",
    "market": "市场监管",
    "environment": "生态环境",
    "urban": "城市管理",
    "public_security": "公安",
    "natural_resources": "自然资源",
    "emergency": "应急管理",
    "health": "卫生健康",
    "agriculture": "农业农村",
    "culture_tourism": "文化旅游",
    "housing": "住房城乡建设",
    "human_resources": "人力资源社会保障",
    "education": "教育",
    "tax": "税务",
    "other": "其他",
}

OTHER = "other"
_MAX_MATCHED = 8
_MAX_LABEL = 16


@dataclass(frozen=True)
class Classification:
    """Result: category and field values (see the *_LABELS dicts), confidence and reasons.

    `matched` lists the keywords or phrases behind the category, strongest first, then those
    behind the field; it is empty only when the category is `other` for lack of evidence.
    """

    category: str
    field: str | None
    score: float
    matched: tuple[str, ...]


class _Rules:
    """Compiled form of rules.json."""

    def __init__(self, data: dict) -> None:
        self.title_weight = float(data["title_weight"])
        self.min_category = float(data["min_category_score"])
        self.min_field = float(data["min_field_score"])
        self.priors: dict[str, dict[str, float]] = data["channel_priors"]
        unknown = {c for prior in self.priors.values() for c in prior} - set(CATEGORY_LABELS)
        if unknown:
            raise ValueError(f"unknown category in channel priors: {sorted(unknown)}")
        # Per kind (0: category, 1: field): the trie regex's findall and word -> (target, weight).
        self.scanners = [
            _compile_keywords("category", data["categories"], CATEGORY_LABELS),
            _compile_keywords("field", data["fields"], FIELD_LABELS),
        ]
        self.phrases = Phrases([_compile_pattern(p) for p in data["patterns"]],
                               _char_frequency())


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _half_width(m: re.Match) -> str:
    ch = m.group()
    return " " if ch == "\u3000" else chr(ord(ch) - 0xFEE0)


def _normalize(text: object) -> str:
    """Full-width ASCII to half-width, lower case (NFKC would be 10x slower)."""
    if not text:
        return ""
    return _FULL_WIDTH.sub(_half_width, str(text)).lower()


def _trie_regex(words: list[str]) -> str:
    """A regex matching any of `words`, longest first, factored as a character trie.

    sre tries alternatives one by one, so the first characters are split into character-class
    groups, each guarded by a lookahead: a position costs a few set tests instead of one
    comparison per distinct first character. A lookahead costs sre about ten times a literal
    test, so groups of sqrt(10 n) characters (about six groups) balance the two; sqrt(n) groups
    of sqrt(n) made the keyword scans slower: the four findall of a bench/synth.py clue took
    28 µs, now 20 (both regexes timed alternately in one process).
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return ("(?:" + body + ")?") if len(branches) == 1 else body + "?"
        return body

    def char_class(chars: list[str]) -> str:
        return "[" + "".join(re.escape(ch) for ch in chars) + "]"

    firsts = sorted(trie)
    size = max(1, math.isqrt(10 * len(firsts)))
    groups = [firsts[i : i + size] for i in range(0, len(firsts), size)]
    parts = [
        f"(?={char_class(g)})(?:" + "|".join(re.escape(ch) + emit(trie[ch]) for ch in g) + ")"
        for g in groups
    ]
    return f"(?={char_class(firsts)})(?:" + "|".join(parts) + ")"


def _compile_keywords(kind: str, table: dict, labels: dict) -> tuple[Callable, dict]:
    """The trie regex's findall, and each keyword's (target, weight) pairs."""
    rules: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for target, keywords in table.items():
        if target not in labels:
            raise ValueError(f"unknown {kind} in rules: {target}")
        for word, weight in keywords.items():
            entry = rules[_normalize(word)]  # weight 0: a shield, consumes text, adds nothing
            if weight:
                entry.append((target, float(weight)))
    return (re.compile(_trie_regex(sorted(rules))).findall,
            {word: tuple(entry) for word, entry in rules.items()})


class _Pattern(NamedTuple):
    search: Callable
    needs: tuple[frozenset[str], ...]  # the text has a character of each set, or no match
    kind: int  # 0: category, 1: field
    target: str
    weight: float


def _compile_pattern(spec: dict) -> _Pattern:
    kind = "category" if "category" in spec else "field"
    target = spec[kind]
    if target not in (CATEGORY_LABELS if kind == "category" else FIELD_LABELS):
        raise ValueError(f"unknown {kind} in pattern: {target}")
    regex = re.compile(spec["re"])
    return _Pattern(regex.search, needed_chars(regex), kind == "field", target,
                    float(spec["weight"]))


def _char_frequency() -> dict[str, int]:
    """Character counts in the evaluation set's clues: which characters are rare in clues."""
    counts: dict[str, int] = {}
    try:
        source = resources.files("hub.normalize.classify_data").joinpath("eval_set.jsonl")
        for line in source.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                for ch in _normalize(f"{item.get('title', '')}{item.get('content', '')}"):
                    counts[ch] = counts.get(ch, 0) + 1
    except (OSError, ValueError):  # only the speed depends on it
        return {}
    return counts


@cache
def _rules() -> _Rules:
    source = resources.files("hub.normalize.classify_data").joinpath("rules.json")
    return _Rules(json.loads(source.read_text(encoding="utf-8")))


class _Tally:
    """Score per target of one kind (category or field), and the hits behind them.

    The hits are only read for the winning target (`labels`); the order of the sums does not
    matter, since rule weights are multiples of 0.5 and add up exactly.
    """

    __slots__ = ("scores", "hits")

    def __init__(self) -> None:
        self.scores: dict[str, float] = {}
        self.hits: list[tuple[str, str, float]] = []  # (target, keyword or phrase, value)

    def labels(self, target: str) -> list[str]:
        """The target's keywords and phrases with a positive sum, strongest first, then by name."""
        contributions: dict[str, float] = {}
        for hit_target, label, value in self.hits:
            if hit_target == target:
                contributions[label] = contributions.get(label, 0.0) + value
        ranked = sorted(contributions)
        ranked.sort(key=contributions.__getitem__, reverse=True)  # stable: names stay in order
        return [label for label in ranked if contributions[label] > 0]


def _scan_zone(text: str, mult: float, rules: _Rules, tallies: tuple[_Tally, _Tally]) -> None:
    """Add the distinct keyword and phrase hits of one zone (title or content)."""
    if not text:
        return
    for (findall, table), tally in zip(rules.scanners, tallies, strict=True):
        scores, hits = tally.scores, tally.hits
        for word in set(findall(text)):
            for target, weight in table[word]:
                value = weight * mult
                scores[target] = scores.get(target, 0.0) + value
                hits.append((target, word, value))
    for search, _, kind, target, weight in rules.phrases.candidates(text):
        m = search(text)
        if m:
            tally = tallies[kind]
            value = weight * mult
            tally.scores[target] = tally.scores.get(target, 0.0) + value
            tally.hits.append((target, m.group()[:_MAX_LABEL], value))


_RANK = {
    "category": {c: i for i, c in enumerate(CATEGORY_LABELS)},
    "field": {f: i for i, f in enumerate(FIELD_LABELS)},
}


def _argmax(scores: dict[str, float], kind: str) -> tuple[str | None, float, float]:
    """Best key, its score and the runner-up score; ties follow the label order."""
    values = sorted(scores.values(), reverse=True)
    if not values or values[0] <= 0:
        return None, 0.0, 0.0
    best = values[0]
    top = [key for key, value in scores.items() if value == best]
    winner = top[0] if len(top) == 1 else min(top, key=_RANK[kind].__getitem__)
    return winner, best, max(values[1], 0.0) if len(values) > 1 else 0.0


def _confidence(best: float, runner_up: float) -> float:
    return round((1.0 - math.exp(-best / 6.0)) * best / (best + runner_up), 3)


def classify(title: str, content: str, channel: str | None = None) -> Classification:
    """Classify a clue; never raises on odd text (empty, None, non-Chinese)."""
    rules = _rules()
    tallies = (_Tally(), _Tally())
    _scan_zone(_normalize(title), rules.title_weight, rules, tallies)
    _scan_zone(_normalize(content), 1.0, rules, tallies)
    categories = tallies[0].scores
    priors = rules.priors.get(channel, {}) if isinstance(channel, str) else {}
    for target, prior in priors.items():
        if categories.get(target, 0.0) > 0:
            categories[target] += prior
    category, best, runner_up = _argmax(categories, "category")
    field, field_best, _ = _argmax(tallies[1].scores, "field")
    if field_best < rules.min_field:
        field = None
    if category is None or (category != OTHER and best < rules.min_category):
        score = round(0.6 * max(0.0, 1.0 - best / rules.min_category), 3)
        category, matched = OTHER, []
    else:
        score = _confidence(best, runner_up)
        matched = tallies[0].labels(category)[:_MAX_MATCHED]
    if field is not None:
        extra = [w for w in tallies[1].labels(field) if w not in matched]
        matched += extra[: max(2, _MAX_MATCHED - len(matched))]
    return Classification(category, field, score, tuple(matched))
