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


def resolve_receiver(session: Session, ref: str, loc: list[str | int] | None = None) -> Receiver:
    """`agency:3`, `body:12`, or a name: an agency's name, a body's full name or alias.

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
        body = _body_named(session, text)
        if body is not None:
            return Receiver(body.name, body_id=body.id)
    raise InvalidInput([FieldError(loc, f"对象单位“{text}”既不是已登记的协作单位，也不在单位名录中，"
                                         "请填写协作单位或名录中单位的全称")])


def _receiver(session: Session, found: Agency | Body) -> Receiver:
    if isinstance(found, Agency):
        body = _body_named(session, found.name)
        return Receiver(found.name, agency_id=found.id, body_id=body.id if body else None)
    agency = repository.active_agency_named(session, found.name)
    return Receiver(found.name, agency_id=agency.id if agency else None, body_id=found.id)


def _body_named(session: Session, name: str) -> Body | None:
    body = repository.active_body_named(session, name)
    if body is not None:
        return body
    # Aliases are a short JSON list per body; the directory has thousands of rows at most.
    for candidate in repository.active_bodies(session):
        if name in (candidate.aliases or []):
            return candidate
    return None
