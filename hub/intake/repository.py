"""SQL for intake: raw records and clues."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from hub.db import tasks
from hub.db.bulk import insert_ids
from hub.db.models import Clue, RawRecord
from hub.intake.models import ClueAttachment

_RAWS, _CLUES = RawRecord.__table__, Clue.__table__
# Core statements (not the ORM's bulk insert): one multi-row INSERT … RETURNING per table.
_INSERT_RAWS = insert(_RAWS).returning(_RAWS.c.id, sort_by_parameter_order=True)
_INSERT_CLUES = insert(_CLUES).returning(_CLUES.c.id, sort_by_parameter_order=True)


def record_in_one_statement(session: Session, raws: list[dict[str, Any]],
                            clues: list[dict[str, Any]], stage: str, now: datetime) -> GroupWritten:
    """PostgreSQL: a group's raw records, its new clues and their first tasks in one
    statement (one round trip), with the clues that were already there.

    `raws[i]["outcome"]` is None where the outcome is "accepted" if the body creates a clue
    and "duplicate" if not; `clues[j]["body"]` is the index of its raw record. A clue whose
    (agency_id, source_ref) is taken is skipped (ON CONFLICT DO NOTHING) and read back as it
    was when the statement began; one inserted by a transaction that committed while the
    statement ran is in neither list (the caller tries again).
    """
    result = session.connection().execute(_ONE_STATEMENT, {
        "raws": orjson.dumps(raws, default=_json_bytes).decode(),
        "clues": orjson.dumps(clues, default=_json_bytes).decode(),
        "stage": stage, "now": now})
    written = GroupWritten([0] * len(raws), [], [])
    for row in result:
        if row.kind == "r":
            written.raw_ids[row.ord - 1] = row.raw_id
        elif row.kind == "n":
            written.created.append(row)
        else:
            written.existing.append(row)
    return written


class GroupWritten:
    def __init__(self, raw_ids: list[int], created: list[Row], existing: list[Row]) -> None:
        self.raw_ids = raw_ids  # in the order of the raws given
        self.created = created  # new clues (Row: id, agency_id, source_ref and task_id)
        self.existing = existing  # clues received before, as they are now


def _json_bytes(value: object) -> str:
    if isinstance(value, bytes):
        return "\\x" + value.hex()  # bytea's text form, read by jsonb_populate_record
    raise TypeError(type(value).__name__)


_RAW_COLUMNS = ["agency_id", "origin", "connector", "received_at", "sha256", "size", "body_enc",
                "errors"]  # and the outcome, decided in the statement
_CLUE_COLUMNS = ["agency_id", "source_ref", "raw_record_id", "raw_index", "received_at",
                 "status", "updated_at", "channel", "reported_at", "title", "content",
                 "category", "category_source", "region_code", "region_source", "urgency",
                 "priority", "subjects", "references", "attachments", "extra", "reporter_enc",
                 "reporter_masked", "reporter_phone_index", "reporter_id_index"]


def _q(names: list[str], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{name}"' for name in names)


# What comes back of a new clue: the caller has the rest (the values it sent), so its
# JSON columns are not sent back and decoded once more.
_NEW_KEYS = {"id", "agency_id", "source_ref", "raw_record_id"}



def _columns(given: set[str], source: str = "") -> str:
    """Every clue column, in one order: from `source` where given, a typed NULL elsewhere."""
    return ", ".join(f'{source}."{c.name}"' if c.name in given
                     else f'(NULL::{_CLUES.name})."{c.name}"' for c in _CLUES.columns)


# One statement: the raw records get their ids first (nextval), so the clues can point at
# them and each raw record's outcome can say whether its body created a clue; the foreign
# key is checked at the end of the statement, when both are in.
_ONE_STATEMENT = text(f"""
WITH raw_in AS MATERIALIZED (
    SELECT nextval(pg_get_serial_sequence('{_RAWS.name}', 'id')) AS id, e.ord,
           jsonb_populate_record(NULL::{_RAWS.name}, e.doc) AS r
    FROM jsonb_array_elements(CAST(:raws AS jsonb)) WITH ORDINALITY AS e(doc, ord)
), clue_in AS MATERIALIZED (
    SELECT e.ord, (e.doc ->> 'body')::int + 1 AS body,
           jsonb_populate_record(NULL::{_CLUES.name}, e.doc) AS c
    FROM jsonb_array_elements(CAST(:clues AS jsonb)) WITH ORDINALITY AS e(doc, ord)
), existing AS (
    SELECT {_CLUES.name}.* FROM {_CLUES.name}
    JOIN clue_in ON {_CLUES.name}.agency_id = (clue_in.c).agency_id
                AND {_CLUES.name}.source_ref = (clue_in.c).source_ref
), new AS (
    INSERT INTO {_CLUES.name} ({_q(_CLUE_COLUMNS)})
    SELECT {", ".join(f'(clue_in.c)."{n}"' if n != "raw_record_id" else "raw_in.id"
                      for n in _CLUE_COLUMNS)}
    FROM clue_in JOIN raw_in ON raw_in.ord = clue_in.body ORDER BY clue_in.ord
    ON CONFLICT (agency_id, source_ref) DO NOTHING
    RETURNING {_q(sorted(_NEW_KEYS))}
), task AS (
    {tasks.insert_pending_sql("new")}
), raw AS (
    INSERT INTO {_RAWS.name} (id, {_q(_RAW_COLUMNS)}, outcome)
    SELECT raw_in.id, {_q(_RAW_COLUMNS, "(raw_in.r).")},
           COALESCE((raw_in.r).outcome, CASE WHEN EXISTS (
               SELECT 1 FROM new WHERE new.raw_record_id = raw_in.id)
               THEN 'accepted' ELSE 'duplicate' END)
    FROM raw_in ORDER BY raw_in.ord
    RETURNING id
)
SELECT 'r' AS kind, raw_in.ord, raw.id AS raw_id, NULL::int AS task_id, {_columns(set())}
FROM raw JOIN raw_in ON raw_in.id = raw.id
UNION ALL
SELECT 'n', NULL, NULL, task.id, {_columns(_NEW_KEYS, "new")}
FROM new JOIN task ON task.ref_id = new.id
UNION ALL
SELECT 'e', NULL, NULL, NULL, {_columns({c.name for c in _CLUES.columns}, "existing")}
FROM existing
""")


def insert_raws(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """The rows' ids, in order (SQLite: on the driver's cursor, hub.db.bulk.insert_ids)."""
    connection = session.connection()
    ids = insert_ids(connection, _RAWS, rows)
    return ids if ids is not None else list(connection.execute(_INSERT_RAWS, rows).scalars())


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
    """The rows' ids, in order (SQLite: on the driver's cursor, hub.db.bulk.insert_ids)."""
    connection = session.connection()
    ids = insert_ids(connection, _CLUES, rows)
    return ids if ids is not None else list(connection.execute(_INSERT_CLUES, rows).scalars())


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
