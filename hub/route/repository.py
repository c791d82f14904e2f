"""SQL over `rule_sets` and `route_proposals` (and the clue columns routing reads)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.db.bulk import insert_rows
from hub.db.models import Clue, ClueEvent
from hub.route.models import RouteProposal, RuleSetVersion

CLUE_COLUMNS = (Clue.id, Clue.received_at, Clue.channel, Clue.title, Clue.content, Clue.category,
                Clue.field, Clue.region_code, Clue.urgency, Clue.subjects, Clue.references)
_PROPOSALS = RouteProposal.__table__
_LOCK_KEY = 0x726F757465  # "route": serializes version saves on PostgreSQL


def lock_versions(session: Session) -> None:
    """Hold until commit, so two saves never both take the same number or both stay active
    (SQLite writers are serialized already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


def active_version(session: Session) -> int | None:
    return session.execute(
        select(RuleSetVersion.version).where(RuleSetVersion.active)
        .order_by(RuleSetVersion.version.desc()).limit(1)
    ).scalar()


def has_versions(session: Session) -> bool:
    return session.execute(select(RuleSetVersion.version).limit(1)).first() is not None


def latest_version(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(RuleSetVersion.version), 0))).scalar_one()


def get_version(session: Session, version: int) -> RuleSetVersion | None:
    return session.get(RuleSetVersion, version)


def yaml_of(session: Session, version: int) -> str | None:
    return session.execute(
        select(RuleSetVersion.yaml).where(RuleSetVersion.version == version)
    ).scalar()


def list_versions(session: Session) -> list[RuleSetVersion]:
    return list(session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.version.desc())))


def insert_version(session: Session, values: dict[str, Any], if_absent: bool = False) -> None:
    """Add a version; `if_absent` skips it quietly when that number exists (first-use seed)."""
    if not if_absent:
        session.execute(insert(RuleSetVersion).values(**values))
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RuleSetVersion).values(**values)
    session.execute(statement.on_conflict_do_nothing(index_elements=["version"]))


def set_active(session: Session, version: int) -> None:
    session.execute(update(RuleSetVersion).where(RuleSetVersion.active,
                                                 RuleSetVersion.version != version)
                    .values(active=False))
    session.execute(update(RuleSetVersion).where(RuleSetVersion.version == version)
                    .values(active=True))


def upsert_proposals(session: Session, rows: list[dict[str, Any]]) -> None:
    """One row per clue: a clue routed again gets its new proposal (history is in events).
    One statement for the batch (one JSON document on PostgreSQL, executemany on SQLite);
    every row has every column, each one replaced on a clue that had a proposal."""
    insert_rows(session.connection(), _PROPOSALS, rows, conflict=["clue_id"],
                replace=_REPLACED)


_REPLACED = [c.name for c in _PROPOSALS.columns if c.name != "clue_id"]


def write_routed(session: Session, events: list[dict[str, Any]],
                 clues: list[dict[str, Any]]) -> None:
    """The `routed` events and the clues' new status (rows by id), one statement each."""
    session.execute(insert(ClueEvent), events)
    session.execute(update(Clue), clues)


def proposal(session: Session, clue_id: int) -> RouteProposal | None:
    return session.get(RouteProposal, clue_id)


def clue_rows(session: Session, clue_ids: list[int]) -> list[Row]:
    return list(session.execute(select(*CLUE_COLUMNS).where(Clue.id.in_(clue_ids))))


def clue_received_at(session: Session, clue_id: int) -> datetime | None:
    return session.execute(select(Clue.received_at).where(Clue.id == clue_id)).scalar()


def clues_with_proposals(session: Session, since: datetime, until: datetime,
                         chunk: int = 1000) -> Iterator[tuple[Row, RouteProposal | None]]:
    """Clues received in [since, until), oldest first, each with its stored proposal."""
    statement = (
        select(*CLUE_COLUMNS, RouteProposal)
        .outerjoin(RouteProposal, RouteProposal.clue_id == Clue.id)
        .where(Clue.received_at >= since, Clue.received_at < until)
        .order_by(Clue.id)
        .execution_options(yield_per=chunk)
    )
    for row in session.execute(statement):
        yield row, row.RouteProposal
