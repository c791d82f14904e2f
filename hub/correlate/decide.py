"""The link decision: are two clues about the same problem, and why. Pure.

The score starts from how alike the problem's words are (`text`: rapidfuzz's normalized Indel
similarity of the comparable texts, with the names of units and places and the channels' form
phrases taken out), adds a little for each shared field and takes a little for each conflict:

* a shared court case number or document number is the same case: it links on its own;
* the same subject unit and the same region add a little, never enough on their own: a bureau
  alone does not link two of its problems;
* specific things both clues name (a town, a road, an estate, a company, 陈某) are the
  evidence that two differently worded reports are one problem: below `text_alone` a link
  needs one of them;
* two texts that share the problem's rare words (`text.rare_word_similarity`, bigrams
  weighted by how rarely complaints use them) link though they are worded apart, when nothing
  conflicts: a court's summary and a driver's letter share 半挂 and 扣押, not their phrasing;
* regions that cannot both be right (two counties) veto a link: the same template about
  another place is another problem; naming different places or parties, or different subject
  units, lowers the score, and then only a near-duplicate text links.

Every decision carries its reasons: `{"text": 0.82, "shared": ["subject:…", "case_number:…"],
"conflicts": […]}` (and `"rare_words"` when that was looked at). The weights were chosen on the
tuning part of data/pairs.jsonl; `rare_words` on it and data/blind_pairs.jsonl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Indel

from hub.correlate.profile import Profile
from hub.correlate.text import common_word, rare_word_similarity

WINDOW_DAYS = 180


@dataclass(frozen=True)
class Weights:
    threshold: float = 0.25
    min_text: float = 0.12  # below this, shared fields alone never link
    text_alone: float = 0.25  # from here no shared specific thing is needed…
    near_duplicate: float = 0.5  # …and from here not even when they name different things
    subject: float = 0.05
    region: float = 0.05
    specific: float = 0.05  # per shared place, organization or person (up to two)
    specific_max: int = 2
    subject_conflict: float = 0.1
    specific_conflict: float = 0.05
    reference_score: float = 0.95
    rare_words: float = 0.10  # rare-word similarity that links without conflicts


WEIGHTS = Weights()


@dataclass(frozen=True)
class Decision:
    linked: bool
    score: float
    reasons: dict[str, Any] = field(default_factory=dict)


def text_similarity(a: Profile, b: Profile) -> float:
    if not a.text or not b.text:
        return 0.0
    return Indel.normalized_similarity(a.text, b.text)


def regions_conflict(a: str | None, b: str | None) -> bool:
    """Two known regions of which neither contains the other (a city contains its counties)."""
    if not a or not b or a == b:
        return False
    return not ((a.endswith("00") and b[:4] == a[:4]) or (b.endswith("00") and a[:4] == b[:4]))


def within_window(a: Profile, b: Profile, window_days: int = WINDOW_DAYS) -> bool:
    return abs(a.reported_at - b.reported_at) <= _window(window_days)


@lru_cache(maxsize=16)
def _window(days: int) -> timedelta:
    return timedelta(days=days)


def decide(a: Profile, b: Profile, *, window_days: int = WINDOW_DAYS,
           weights: Weights = WEIGHTS) -> Decision:
    """Whether `a` and `b` report the same problem, with the score and the reasons."""
    text = round(text_similarity(a, b), 3)
    reasons: dict[str, Any] = {"text": text, "shared": [], "conflicts": []}
    if not within_window(a, b, window_days):
        reasons["conflicts"].append(f"outside_window:{window_days}d")
        return Decision(False, 0.0, reasons)
    cases, documents = a.case_numbers & b.case_numbers, a.document_numbers & b.document_numbers
    references = (sorted({f"case_number:{v}" for v in cases}
                         | {f"document_number:{v}" for v in documents})
                  if cases or documents else [])
    subjects = _shared_subjects(a, b)
    specific = _shared_things(a, b)
    reasons["shared"] = references + [f"subject:{name}" for name in subjects] + specific
    score = text + weights.subject * bool(subjects)
    score += weights.specific * min(len(specific), weights.specific_max)
    if a.region and a.region == b.region:
        reasons["shared"].append(f"region:{a.region}")
        score += weights.region
    if regions_conflict(a.region, b.region) and not references:
        reasons["conflicts"].append(f"region:{a.region}≠{b.region}")
        return Decision(False, round(min(score, 1.0), 3), reasons)
    if a.subjects and b.subjects and not subjects and not references:
        reasons["conflicts"].append("subject")
        score -= weights.subject_conflict
    different = not specific and not references and _different_things(a, b)
    if different:
        reasons["conflicts"].append("named_things")
        score -= weights.specific_conflict
    if references:
        score = max(score, weights.reference_score)
    score = round(max(0.0, min(score, 1.0)), 3)
    evidence = (bool(references or specific) or text >= weights.near_duplicate
                or (text >= weights.text_alone and not different))
    linked = score >= weights.threshold and text >= weights.min_text and evidence
    if not linked and not references and not reasons["conflicts"] and text >= weights.min_text:
        rare = round(rare_word_similarity(a.text, b.text), 3)
        reasons["rare_words"] = rare
        linked = rare >= weights.rare_words
    return Decision(linked or bool(references), score, reasons)


def _things(profile: Profile) -> frozenset[str]:
    return profile.things


def _different_things(a: Profile, b: Profile) -> bool:
    """Both name places, or both name parties (organizations, persons), and none agree."""
    return any(x and y and not x & y for x, y in ((a.places, b.places),
                                                  (a.entities, b.entities)))


# A road or street is named, not described: 人民路 and 武当路 are one road each in a city,
# however common 人民 and 武当 are as words (工业园区, 建筑公司 are any such place).
_NAMED_BY_SUFFIX = ("路", "大道", "街")


def _common(key: str, name: str | None = None) -> bool:
    """A thing's key (`city:stem`) whose stem is a common word: it names nothing in particular
    (工业园区, 建筑公司, 关于项目); persons (`city:person:陈`) and roads (`name`, the shown
    name, ends with 路, 大道 or 街) are never common."""
    if ":person:" in key or (name and name.endswith(_NAMED_BY_SUFFIX)):
        return False
    return common_word(key.rsplit(":", 1)[-1])


def _shared_things(a: Profile, b: Profile) -> list[str]:
    """Places, organizations and persons both clues name, as reasons (common words left out)."""
    shown: list[str] = []
    both = a.things & b.things
    if not both:
        return shown
    for key in sorted(both):
        name = a.names.get(key) or b.names.get(key)
        if _common(key, name):
            continue
        kind = "person" if ":person:" in key else "place" if key in a.places else "organization"
        shown.append(f"{kind}:{name or key}")
    return shown


def _shared_subjects(a: Profile, b: Profile) -> list[str]:
    """Names of the subject units both clues are about (by credit code or by key)."""
    shown: list[str] = []
    codes, both = a.credit_codes & b.credit_codes, a.keyed & b.keyed
    if not codes and not both:
        return shown
    keys = [f"credit_code:{code}" for code in sorted(codes)]
    keys += sorted(both)
    for key in keys:
        name = a.names.get(key) or b.names.get(key) or key
        if name not in shown:
            shown.append(name)
    return shown
