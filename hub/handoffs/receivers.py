"""Who a hand-off goes to: a partner agency (by id or name) and/or a subject unit (directory)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hub.db.models import Agency
from hub.directory.models import Body
from hub.errors import FieldError, InvalidInput

from . import repository


@dataclass(frozen=True)
class Receiver:
    name: str
    agency_id: int | None = None
    body_id: int | None = None


def resolve_receiver(session: Session, ref: str, loc: list[str | int] | None = None,
                     region: str | None = None) -> Receiver:
    """`agency:3`, `body:12`, or a name: an agency's name, a body's full name or alias, or a
    short name the directory resolves as normalize does (县交通局 in a clue of 郧西县 →
    郧西县交通运输局; `region` is the clue's).

    An agency wins (it has an inbox); a body of the same name is linked too. Nothing
    matching is a 422 naming the field.
    """
    loc = loc or ["target"]
    text = (ref or "").strip()
    kind, _, number = text.partition(":")
    if kind in ("agency", "body") and number.isdigit():
        found = session.get(Agency if kind == "agency" else Body, int(number))
        if found is not None:
            return _receiver(session, found)
    elif text:
        agency = repository.active_agency_named(session, text)
        if agency is not None:
            return _receiver(session, agency)
        body = _body_named(session, text) or _body_resolved(session, text, region)
        if body is not None:
            return _receiver(session, body)
    raise InvalidInput([FieldError(loc, f"对象单位“{text}”既不是已登记的协作单位，也不在单位名录中，"
                                         "请填写协作单位或名录中单位的全称")])


def _receiver(session: Session, found: Agency | Body) -> Receiver:
    if isinstance(found, Agency):
        body = _body_named(session, found.name)
        return Receiver(found.name, agency_id=found.id, body_id=body.id if body else None)
    agency = repository.active_agency_named(session, found.name)
    return Receiver(found.name, agency_id=agency.id if agency else None, body_id=found.id)


def _body_resolved(session: Session, name: str, region: str | None) -> Body | None:
    """The body the directory resolves the name to, as normalize resolves subject units
    (one body, above the threshold; an ambiguous or weak match is no answer)."""
    from hub.directory.resolve import resolve
    from hub.directory.snapshot import current_index

    found = resolve(current_index(session), name, clue_region=region)
    return session.get(Body, found.body_id) if found.body_id is not None else None


def _body_named(session: Session, name: str) -> Body | None:
    body = repository.active_body_named(session, name)
    if body is not None:
        return body
    # Aliases are a short JSON list per body; the directory has thousands of rows at most.
    for candidate in repository.active_bodies(session):
        if name in (candidate.aliases or []):
            return candidate
    return None


def suggest(session: Session, q: str, region: str | None = None, limit: int = 10) -> list[dict]:
    """Receivers for the decision form's picker as one types: partner agencies whose name
    contains the words, then the directory's bodies (the one the words resolve to first,
    aliases and short names included, bodies of the clue's region before others)."""
    from hub.directory import service as directory

    words = (q or "").strip()[:100]
    if not words:
        return []
    out = [{"name": a.name, "source": "协作单位", "region": ""}
           for a in repository.agencies_named_like(session, words, limit)]
    seen = {row["name"] for row in out}
    for body in directory.search(session, words, region, limit=limit):
        if body["name"] not in seen and len(out) < limit:
            seen.add(body["name"])
            out.append({"name": body["name"], "source": "单位名录",
                        "region": body.get("region_name") or ""})
    return out


def proposed_receiver(session: Session, target: str | None, region: str | None) -> str | None:
    """The full name a proposal's target resolves to (县交通局 → 郧西县交通运输局), else as written."""
    if not target:
        return None
    try:
        return resolve_receiver(session, target, ["target"], region).name
    except InvalidInput:
        return target
