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
  weighted by how rarely complaints use them, read with and without the bigrams that hold a
  function character, the things both name left out of the second) link though they are
  worded apart, when nothing conflicts: a court's summary and a driver's letter share 半挂
  and 扣押, not their phrasing;
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


_new, _set = object.__new__, object.__setattr__


def _decided(linked: bool, score: float, reasons: dict[str, Any]) -> Decision:
    """`Decision(linked, score, reasons)` without the frozen dataclass's __init__ (one
    object.__setattr__ per field), a sixth of its cost: every pair that links makes one."""
    decision = _new(Decision)
    _set(decision, "__dict__", {"linked": linked, "score": score, "reasons": reasons})
    return decision


def _round3(x: float) -> float:
    """`round(x, 3)`, the same float, for half the cost when x is not within 1e-4 of a half
    thousandth (then round itself says): the nearest double to k / 1000 is what round
    returns (it rounds the decimal digits, then reads them back), and x * 1000 is within
    1e-13 of the exact product, so it picks the same k. Every pair judged rounds its text
    similarity and its score."""
    y = x * 1000.0
    if 0.0 < y < 1e9:
        k = int(y)
        if y - k < 0.4999:
            return k / 1000
        if y - k > 0.5001:
            return (k + 1) / 1000
    elif y == 0.0:
        return x  # 0.0 or -0.0, as round keeps it
    return round(x, 3)


def text_similarity(a: Profile, b: Profile) -> float:
    return _similarity(a.text, b.text, 0.0)


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
    referenced = not (a.case_numbers.isdisjoint(b.case_numbers)
                      and a.document_numbers.isdisjoint(b.document_numbers))
    text = round(_similarity(a.text, b.text, 0.0), 3)
    if not within_window(a, b, window_days):
        return Decision(False, 0.0, {"text": text, "shared": [],
                                     "conflicts": [f"outside_window:{window_days}d"]})
    conflicting = not referenced and regions_conflict(a.region, b.region)
    return _weigh(a, b, text, referenced, conflicting, weights, True)  # type: ignore[return-value]


def links(a: Profile, b: Profile, *, window_days: int = WINDOW_DAYS,
          weights: Weights = WEIGHTS) -> bool:
    """`decide(a, b).linked`, without writing the reasons."""
    return judged_all(a, [b], window_days=window_days, weights=weights)[0] is not None


def judged_all(a: Profile, others: list[Profile], *, window_days: int = WINDOW_DAYS,
               weights: Weights = WEIGHTS) -> list[Decision | None]:
    """For each of `others`, `decide(a, other)` when the pair links, else None: the linking
    stage judges every candidate once with this and explains only the pairs that link.

    What depends on `a` alone is worked out once, and a pair that does not link stops as soon
    as that is known: regions that conflict (most candidates of a busy bureau are from
    another county) or a time outside the window, then texts too far apart; a shared case or
    document number overrides the region and the text."""
    window = _window(window_days)
    at, region, words = a.reported_at, a.region, a.text
    cases, documents = a.case_numbers, a.document_numbers
    cited = bool(cases or documents)
    least = weights.min_text
    cutoff = least - 0.0006  # below it a similarity rounds under min_text: rapidfuzz says 0
    conflict: dict[str | None, bool] = {}  # another region -> whether it conflicts with a's
    result: list[Decision | None] = []
    for b in others:
        apart = conflict.get(b.region)
        if apart is None:
            apart = conflict[b.region] = regions_conflict(region, b.region)
        referenced = cited and not (cases.isdisjoint(b.case_numbers)
                                    and documents.isdisjoint(b.document_numbers))
        if (apart and not referenced) or abs(b.reported_at - at) > window:
            result.append(None)
            continue
        text = _round3(_similarity(words, b.text, 0.0 if referenced else cutoff))
        if not referenced and text < least:
            result.append(None)  # only a shared reference links texts this far apart
        else:
            result.append(_weigh(a, b, text, referenced, False, weights, False))
    return result


def _weigh(a: Profile, b: Profile, text: float, referenced: bool, conflicting: bool,
           weights: Weights, explain: bool) -> Decision | None:
    """The decision on a pair within the window, from its rounded text similarity. Unless
    `explain`, a pair that does not link is None (no reasons written)."""
    subjects = not (a.credit_codes.isdisjoint(b.credit_codes) and a.keyed.isdisjoint(b.keyed))
    specific = [] if a.things.isdisjoint(b.things) else _shared_things(a, b)
    same_region = bool(a.region and a.region == b.region)
    score = (text + weights.subject * subjects
             + weights.specific * min(len(specific), weights.specific_max)
             + weights.region * same_region)
    if conflicting:  # explaining only: the verdict was known before the text
        return Decision(False, round(min(score, 1.0), 3),
                        _reasons(a, b, text, referenced, subjects, specific, same_region,
                                 [f"region:{a.region}≠{b.region}"], None))
    conflicts = []
    if a.subjects and b.subjects and not subjects and not referenced:
        conflicts.append("subject")
        score -= weights.subject_conflict
    different = not specific and not referenced and _different_things(a, b)
    if different:
        conflicts.append("named_things")
        score -= weights.specific_conflict
    if referenced:
        score = max(score, weights.reference_score)
    score = _round3(max(0.0, min(score, 1.0)))
    evidence = (bool(referenced or specific) or text >= weights.near_duplicate
                or (text >= weights.text_alone and not different))
    linked = score >= weights.threshold and text >= weights.min_text and evidence
    rare = None
    if not linked and not referenced and not conflicts and text >= weights.min_text:
        # Unless explaining, only whether `rare` rounds to rare_words matters: a figure
        # surely under it (floor, as judged_all's cutoff) may be given as any figure under it.
        rare = _round3(rare_word_similarity(
            a.text, b.text, [a.names.get(key) or b.names.get(key) or "" for key in specific],
            0.0 if explain else weights.rare_words - 0.0006))
        linked = rare >= weights.rare_words
    linked = linked or referenced
    if not linked and not explain:
        return None
    return _decided(linked, score, _reasons(a, b, text, referenced, subjects, specific,
                                            same_region, conflicts, rare))


def _similarity(a: str, b: str, cutoff: float) -> float:
    if not a or not b:
        return 0.0
    return Indel.normalized_similarity(a, b, score_cutoff=cutoff)


def _reasons(a: Profile, b: Profile, text: float, referenced: bool, subjects: bool,
             specific: list[str], same_region: bool, conflicts: list[str],
             rare: float | None) -> dict[str, Any]:
    shared = sorted({f"case_number:{v}" for v in a.case_numbers & b.case_numbers}
                    | {f"document_number:{v}" for v in a.document_numbers & b.document_numbers}
                    ) if referenced else []
    if subjects:
        shared += [f"subject:{name}" for name in _shared_subjects(a, b)]
    shared += [_shown(a, b, key) for key in specific]
    if same_region:
        shared.append(f"region:{a.region}")
    reasons: dict[str, Any] = {"text": text, "shared": shared, "conflicts": conflicts}
    if rare is not None:
        reasons["rare_words"] = rare
    return reasons


def _different_things(a: Profile, b: Profile) -> bool:
    """Both name places, or both name parties (organizations, persons), and none agree."""
    return bool((a.places and b.places and a.places.isdisjoint(b.places))
                or (a.entities and b.entities and a.entities.isdisjoint(b.entities)))


# A road or street is named, not described: 人民路 and 武当路 are one road each in a city,
# however common 人民 and 武当 are as words (工业园区, 建筑公司 are any such place).
_NAMED_BY_SUFFIX = ("路", "大道", "街")


def _common(key: str, name: str | None = None) -> bool:
    """A thing's key (`city:stem`) whose stem is a common word: it names nothing in particular
    (工业园区, 建筑公司, 关于项目); persons (`city:person:陈`) and roads (`name`, the shown
    name, ends with 路, 大道 or 街) are never common."""
    known = _COMMON.get((key, name))
    if known is None:
        known = _COMMON[(key, name)] = not (
            ":person:" in key or (name and name.endswith(_NAMED_BY_SUFFIX))
        ) and common_word(key.rsplit(":", 1)[-1])
        if len(_COMMON) > 100_000:
            _COMMON.clear()
    return known


_COMMON: dict[tuple[str, str | None], bool] = {}  # what _common said, by key and name


def _shared_things(a: Profile, b: Profile) -> list[str]:
    """Keys of the places, organizations and persons both clues name (common words left
    out), in order."""
    if a.things.isdisjoint(b.things):
        return []
    both = a.things & b.things
    return [key for key in sorted(both) if not _common(key, a.names.get(key)
                                                        or b.names.get(key))]


def _shown(a: Profile, b: Profile, key: str) -> str:
    """A shared thing as a reason: `place:观音镇`, `organization:鑫达物流`, `person:陈某`."""
    kind = "person" if ":person:" in key else "place" if key in a.places else "organization"
    return f"{kind}:{a.names.get(key) or b.names.get(key) or key}"


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
