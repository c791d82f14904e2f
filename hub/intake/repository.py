"""SQL for intake: raw records and clues."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hub.db.models import Clue, RawRecord
from hub.intake.models import ClueAttachment

_RAWS, _CLUES = RawRecord.__table__, Clue.__table__
# Core statements (not the ORM's bulk insert): one multi-row INSERT … RETURNING per table.
_INSERT_RAWS = insert(_RAWS).returning(_RAWS.c.id, sort_by_parameter_order=True)
_INSERT_CLUES = insert(_CLUES).returning(_CLUES.c.id, sort_by_parameter_order=True)


def insert_raws(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    return list(session.connection().execute(_INSERT_RAWS, rows).scalars())


def existing_by_keys(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Clue]:
    """Clues already received, by (agency_id, source_ref).

    Asked agency by agency, so the lookup walks the (agency_id, source_ref) unique index;
    a row-value IN over both columns made SQLite scan the whole table.
    """
    refs_by_agency: dict[int, list[str]] = defaultdict(list)
    for agency_id, ref in keys:
        refs_by_agency[agency_id].append(ref)
    found: dict[tuple[int, str], Clue] = {}
    for agency_id, refs in refs_by_agency.items():
        for start in range(0, len(refs), 500):
            rows = session.scalars(select(Clue).where(
                Clue.agency_id == agency_id, Clue.source_ref.in_(refs[start : start + 500])))
            found.update({(clue.agency_id, clue.source_ref): clue for clue in rows})
    return found


def insert_clues(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    return list(session.connection().execute(_INSERT_CLUES, rows).scalars())


def get_clue(session: Session, agency_id: int, clue_id: int) -> Clue | None:
    clue = session.get(Clue, clue_id)
    return clue if clue is not None and clue.agency_id == agency_id else None


def clue_received_at(session: Session, clue_id: int) -> datetime | None:
    return session.execute(select(Clue.received_at).where(Clue.id == clue_id)).scalar()


def clue_by_id(session: Session, clue_id: int) -> Clue | None:
    return session.get(Clue, clue_id)


def attachments_of(session: Session, clue_id: int) -> list[ClueAttachment]:
    return list(session.scalars(select(ClueAttachment).where(ClueAttachment.clue_id == clue_id)
                                .order_by(ClueAttachment.id)))


def attachment_by_sha(session: Session, clue_id: int, sha256: str) -> ClueAttachment | None:
    return session.scalar(select(ClueAttachment).where(ClueAttachment.clue_id == clue_id,
                                                       ClueAttachment.sha256 == sha256))


def add_attachment(session: Session, attachment: ClueAttachment) -> ClueAttachment:
    session.add(attachment)
    session.flush()
    return attachment
