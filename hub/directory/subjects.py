"""A clue's subject units, resolved: what the normalize stage stores in `Clue.subjects`.

Each subject keeps what the sender wrote (`name`, `credit_code`, `region_code`) and gains
`body_id`, `resolved_name` and `resolution` ({method, score, candidates?, reason?}). A clue
sent without subjects gets the body its text names, with method `text` and `origin: text`
(kept from the sender's view). A reviewer's pick (method `manual`) is kept as it is when the
clue is normalized again. Pure.
"""

from __future__ import annotations

from typing import Any

from .index import TEXT_SECOND_CHOICE_KINDS, DirectoryIndex
from .names import clean
from .resolve import DEFAULT_THRESHOLD, resolve

SENT_FIELDS = ("name", "credit_code", "region_code")
METHOD_LABELS = {
    "credit_code": "信用代码匹配", "name": "全称匹配", "alias": "简称匹配", "fuzzy": "近似匹配",
    "text": "从正文识别", "manual": "人工指定", "unresolved": "未匹配",
}


def method_of(subject: dict[str, Any]) -> str | None:
    resolution = subject.get("resolution")
    return resolution.get("method") if isinstance(resolution, dict) else None


def added_by_hub(subject: dict[str, Any]) -> bool:
    return subject.get("origin") is not None


def sent_subjects(subjects: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The subjects as the sender sent them (the contract's shape, no hub additions)."""
    return [{k: s[k] for k in SENT_FIELDS if k in s} for s in subjects or []
            if isinstance(s, dict) and not added_by_hub(s)]


def resolve_subjects(
    index: DirectoryIndex, subjects: list[dict[str, Any]], *, clue_region: str | None,
    title: str = "", content: str = "", threshold: float = DEFAULT_THRESHOLD,
) -> list[dict[str, Any]]:
    subjects = [s for s in subjects if isinstance(s, dict)]
    sent = [s for s in subjects if not added_by_hub(s)]
    if sent:
        return [resolve_subject(index, s, clue_region, threshold) for s in sent]
    picked = [s for s in subjects if method_of(s) == "manual"]
    if picked:  # the reviewer corrected what the text scan found: theirs stands
        return [dict(s) for s in picked]
    found = find_in_text(index, title, content)
    return [found] if found else []


def resolve_subject(index: DirectoryIndex, subject: dict[str, Any], clue_region: str | None,
                    threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    if method_of(subject) == "manual":
        return dict(subject)
    result = resolve(index, subject.get("name"), credit_code=subject.get("credit_code"),
                     region_code=subject.get("region_code"), clue_region=clue_region,
                     threshold=threshold)
    made = {k: subject[k] for k in SENT_FIELDS if k in subject}
    made.update(body_id=result.body_id, resolved_name=result.name,
                resolution=result.as_json())
    return made


def find_in_text(index: DirectoryIndex, title: str, content: str) -> dict[str, Any] | None:
    """The body the clue's text is about: the first named in the title, else in the content;
    a court, procuratorate or the like only when no other body is named."""
    hits = _scan(index, title or "") + _scan(index, content or "")
    if not hits:
        return None
    preferred = [h for h in hits if index.body(h[1]).kind not in TEXT_SECOND_CHOICE_KINDS]
    text, body_id = (preferred or hits)[0]
    body = index.body(body_id)
    return {"name": text, "region_code": body.region_code, "origin": "text", "body_id": body_id,
            "resolved_name": body.name, "resolution": {"method": "text", "score": 100.0}}


def _scan(index: DirectoryIndex, text: str) -> list[tuple[str, int]]:
    """Names with a place in them, longest at each position, in the order they appear."""
    text = clean(text)
    get = index.text_keys.get
    hits: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text) - 1:
        for key, body_id in get(text[pos : pos + 2], ()):
            if text.startswith(key, pos):
                hits.append((key, body_id))
                pos += len(key) - 1
                break
        pos += 1
    return hits
