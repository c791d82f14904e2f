"""The directory's services: seeding, listing and export, the picker, the reviewer's pick.

Services never commit; the caller's unit of work does.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from hub.db.guards import check_editable
from hub.db.models import Clue, ClueEvent
from hub.errors import Conflict, FieldError, InvalidInput, NotFound

from . import repository
from .evaluation import SEED_FILE
from .importer import ImportReport, import_file
from .models import Body
from .names import clean
from .resolve import resolve
from .rows import LEVEL_LABELS
from .sheet import write_csv
from .snapshot import current_index
from .subjects import METHOD_LABELS, SENT_FIELDS

_SEARCH_FLOOR = 60.0
_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2, "township": 3}


def ensure_seeded(session: Session, *, now: datetime,
                  path: Path = SEED_FILE) -> ImportReport | None:
    """Load the demo directory into an empty one (first use); None when bodies exist."""
    if repository.count(session):
        return None
    return import_file(session, path, now=now)


def list_bodies(session: Session, *, region: str | None = None,
                include_inactive: bool = False) -> list[Body]:
    return repository.all_bodies(session, active_only=not include_inactive, region_code=region)


def get(session: Session, body_id: int) -> Body:
    body = repository.get_body(session, body_id)
    if body is None:
        raise NotFound(f"名录中没有编号为 {body_id} 的单位")
    return body


def body_json(body: Body) -> dict[str, Any]:
    return {"id": body.id, "name": body.name, "aliases": list(body.aliases or []),
            "credit_code": body.credit_code, "region_code": body.region_code,
            "level": body.level, "kind": body.kind, "parent_id": body.parent_id,
            "active": body.active}


def export_file(session: Session, path: Path, *, now: datetime) -> int:
    """Write the active bodies as a file `hub directory import` takes back unchanged."""
    names = repository.names_by_id(session)
    rows = [[b.name, "、".join(b.aliases or []), b.credit_code or "", b.region_code,
             LEVEL_LABELS.get(b.level, b.level), b.kind, names.get(b.parent_id or 0, "")]
            for b in repository.all_bodies(session, active_only=True)]
    preamble = f"# 单位名录导出，{now:%Y-%m-%d %H:%M} UTC，共 {len(rows)} 个单位\n"
    write_csv(path, rows, preamble=preamble)
    return len(rows)


def search(session: Session, q: str, region: str | None = None, *, limit: int = 20,
           home: str = "420300") -> list[dict[str, Any]]:
    """Bodies for a picker: the one `q` resolves to first, then names containing or close
    to it, bodies of `region` before others."""
    index = current_index(session, home)
    query = clean(q)
    scores: dict[int, float] = {}
    if query:
        found = resolve(index, q, clue_region=region)
        for candidate in found.candidates:
            scores[candidate.body_id] = candidate.score
        if found.body_id is not None:
            scores[found.body_id] = 200.0
        texts = [text for text, _ in index.names]
        for _, score, i in process.extract(query, texts, scorer=fuzz.partial_ratio,
                                           limit=limit * 5, score_cutoff=_SEARCH_FLOOR):
            body_id = index.names[i][1]
            scores[body_id] = max(scores.get(body_id, 0.0), score)
    else:
        scores = {b: 0.0 for b, body in index.bodies.items()
                  if region is None or body.region_code == region}
    places = index.places

    def rank(body_id: int) -> tuple:
        body = index.body(body_id)
        here = 0 if body.region_code == region else (
            1 if region is not None and places.related(body.region_code, region) else 2)
        return (-scores[body_id], here, _LEVEL_ORDER.get(body.level, 9), body.name)

    ranked = sorted(scores, key=rank)[:limit]
    return [{"id": b, "name": index.body(b).name, "region_code": index.body(b).region_code,
             "region_name": places.name(index.body(b).region_code), "level": index.body(b).level,
             "kind": index.body(b).kind, "score": min(scores[b], 100.0)} for b in ranked]


def set_subject(session: Session, clue_id: int, index: int, body_id: int, by: str, *,
                now: datetime) -> dict[str, Any]:
    """The reviewer names the body a subject is (an unresolved one, or a wrong match)."""
    clue = session.get(Clue, clue_id)
    if clue is None:
        raise NotFound(f"没有找到线索 {clue_id}")
    subjects = list(clue.subjects or [])
    if not 0 <= index < len(subjects):
        raise NotFound(f"线索 {clue_id} 没有第 {index + 1} 个被反映单位")
    check_editable(session, clue_id, "指定被反映单位")
    body = get(session, body_id)
    if not body.active:
        raise Conflict(f"单位“{body.name}”已停用，不能选用")
    old = subjects[index]
    previous = {"body_id": old.get("body_id"),
                "method": (old.get("resolution") or {}).get("method")}
    subject = {k: old[k] for k in (*SENT_FIELDS, "origin") if k in old}
    subject.update(body_id=body.id, resolved_name=body.name,
                   resolution={"method": "manual", "score": 100.0, "by": by})
    subjects[index] = subject
    clue.subjects = subjects
    clue.updated_at = now
    session.add(ClueEvent(clue_id=clue_id, at=now, actor=by, action="subject_set",
                          detail={"index": index, "name": old.get("name"), "body_id": body.id,
                                  "resolved_name": body.name, "previous": previous}))
    session.flush()
    return subject


def subject_rows(subjects: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """A clue's subjects as its page shows them: resolved (the body's name, how, the score)
    or unresolved (未匹配) with the candidates the resolver kept for the picker."""
    rows = []
    for index, subject in enumerate(subjects or []):
        if not isinstance(subject, dict):
            continue
        resolution = subject.get("resolution") or {}
        method = resolution.get("method")
        rows.append({
            "index": index, "name": subject.get("name") or "—",
            "credit_code": subject.get("credit_code"),
            "resolved": subject.get("body_id") is not None,
            "body_id": subject.get("body_id"), "resolved_name": subject.get("resolved_name"),
            "method": METHOD_LABELS.get(method, method or "未匹配"),
            "score": resolution.get("score"), "by": resolution.get("by"),
            "candidates": list(resolution.get("candidates") or []),
        })
    return rows


def add_alias(session: Session, body_id: int, alias: str, *, now: datetime) -> Body:
    """Add an abbreviation or alias to a body (the resolver's snapshot reloads on the change)."""
    text = (alias or "").strip()
    if not text or len(text) > 100:
        raise InvalidInput([FieldError(["alias"], "简称或别名应为 1 至 100 个字")])
    body = get(session, body_id)
    if text == body.name or text in (body.aliases or []):
        raise Conflict(f"“{text}”已是“{body.name}”的名称或简称")
    if repository.body_named(session, text) is not None:
        raise Conflict(f"“{text}”是名录中另一单位的全称，不能作为简称")
    body.aliases = [*(body.aliases or []), text]
    body.updated_at = now
    session.flush()
    return body
