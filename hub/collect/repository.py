"""SQL for hub.collect: connector states and their lease, runs, dead letters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from hub.collect.models import ConnectorRun, ConnectorState, DeadLetter
from hub.db.models import Agency, RawRecord

# -- connector states ------------------------------------------------------------------------


def get_state(session: Session, name: str) -> ConnectorState | None:
    return session.get(ConnectorState, name)


def all_states(session: Session) -> dict[str, ConnectorState]:
    return {state.name: state for state in session.scalars(select(ConnectorState))}


def agency_named(session: Session, name: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.name == name))


def due_states(session: Session, now: datetime) -> list[ConnectorState]:
    """Enabled connectors whose next run is due, leased or not (the caller decides whether
    a lease is free: a stale one is, and so is one held by a process known to be dead)."""
    return list(session.scalars(
        select(ConnectorState).where(
            ConnectorState.enabled.is_(True), ConnectorState.base_url.is_not(None),
            or_(ConnectorState.next_run_at.is_(None), ConnectorState.next_run_at <= now),
        ).order_by(ConnectorState.next_run_at)
    ))


def take_lease(session: Session, name: str, previous_owner: str | None, owner: str,
               now: datetime) -> bool:
    """Compare-and-set: the lease passes to `owner` only if nobody changed it meanwhile."""
    held = (ConnectorState.lease_owner.is_(None) if previous_owner is None
            else ConnectorState.lease_owner == previous_owner)
    return session.execute(
        update(ConnectorState).where(ConnectorState.name == name, held)
        .values(lease_owner=owner, running_since=now, updated_at=now)
    ).rowcount == 1


def advance(session: Session, name: str, owner: str, cursor: str | None, now: datetime) -> bool:
    """Save the cursor after a page and renew the lease; False when the lease was lost."""
    return session.execute(
        update(ConnectorState).where(ConnectorState.name == name,
                                     ConnectorState.lease_owner == owner)
        .values(cursor=cursor, running_since=now, updated_at=now)
    ).rowcount == 1


def release(session: Session, name: str, owner: str, **values: Any) -> bool:
    """Give the lease back, with the outcome of the run (health, next run)."""
    return session.execute(
        update(ConnectorState).where(ConnectorState.name == name,
                                     ConnectorState.lease_owner == owner)
        .values(lease_owner=None, running_since=None, **values)
    ).rowcount == 1


# -- runs ------------------------------------------------------------------------------------


def start_run(session: Session, name: str, now: datetime) -> int:
    run = ConnectorRun(connector=name, started_at=now, status="running", pages=0, seen=0,
                       new=0, known=0, not_clue=0, dead_lettered=0)
    session.add(run)
    session.flush()
    return run.id


def fail_orphaned_runs(session: Session, name: str, now: datetime, error: str) -> int:
    """Runs left `running` by a process that died: the lease holder knows they are over."""
    return session.execute(
        update(ConnectorRun).where(ConnectorRun.connector == name,
                                   ConnectorRun.status == "running")
        .values(status="failed", finished_at=now, error=error)
    ).rowcount


def add_to_run(session: Session, run_id: int, counts: dict[str, int]) -> None:
    session.execute(update(ConnectorRun).where(ConnectorRun.id == run_id).values(
        {getattr(ConnectorRun, key): getattr(ConnectorRun, key) + n for key, n in counts.items()}))


def finish_run(session: Session, run_id: int, status: str, now: datetime,
               error: str | None) -> None:
    session.execute(update(ConnectorRun).where(ConnectorRun.id == run_id)
                    .values(status=status, finished_at=now, error=error))


def last_runs(session: Session, with_records: bool = False) -> dict[str, ConnectorRun]:
    """Each connector's newest run (that read at least one record, if `with_records`)."""
    newest = select(func.max(ConnectorRun.id)).group_by(ConnectorRun.connector)
    if with_records:
        newest = newest.where(ConnectorRun.seen > 0)
    runs = session.scalars(select(ConnectorRun).where(ConnectorRun.id.in_(newest)))
    return {run.connector: run for run in runs}


def purge_empty_runs(session: Session, finished_before: datetime) -> int:
    """Delete successful runs that read nothing, finished before the cutoff, except each
    connector's newest (`hub connectors list` shows it). Runs that read records stay."""
    newest = select(func.max(ConnectorRun.id)).group_by(ConnectorRun.connector)
    return session.execute(delete(ConnectorRun).where(
        ConnectorRun.status == "ok", ConnectorRun.seen == 0,
        ConnectorRun.finished_at < finished_before, ConnectorRun.id.not_in(newest))).rowcount


def get_run(session: Session, run_id: int) -> ConnectorRun | None:
    return session.get(ConnectorRun, run_id)


# -- dead letters ----------------------------------------------------------------------------


def open_by_sha(session: Session, connector: str, shas: Iterable[str]) -> dict[str, int]:
    """Open dead letters of `connector` whose raw record has one of these SHA-256s."""
    shas = list(set(shas))
    if not shas:
        return {}
    rows = session.execute(
        select(RawRecord.sha256, DeadLetter.id)
        .join(RawRecord, RawRecord.id == DeadLetter.raw_record_id)
        .where(DeadLetter.connector == connector, DeadLetter.state == "open",
               RawRecord.sha256.in_(shas))
    )
    return {sha: dead_id for sha, dead_id in rows}


_DEAD = DeadLetter.__table__
# Core statements (not the ORM's bulk paths): a page's dead letters in one multi-row INSERT,
# the ones a page resolves in one executemany UPDATE.
_INSERT_DEAD = insert(_DEAD).returning(_DEAD.c.id, sort_by_parameter_order=True)
_RESOLVE_DEAD = (update(_DEAD).where(_DEAD.c.id == bindparam("dead_id"))
                 .values(state="resolved", replayed_at=bindparam("at"),
                         clue_id=bindparam("clue")))


def insert_dead_letters(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    return list(session.connection().execute(_INSERT_DEAD, rows).scalars())


def resolve_by_ref(session: Session, connector: str, clue_by_ref: dict[str, int],
                   now: datetime) -> int:
    """Open dead letters whose record later arrived well-formed are resolved by that clue."""
    if not clue_by_ref:
        return 0
    connection = session.connection()
    found = connection.execute(
        select(_DEAD.c.id, _DEAD.c.record_ref).where(
            _DEAD.c.connector == connector, _DEAD.c.state == "open",
            _DEAD.c.record_ref.in_(list(clue_by_ref)))
    ).all()
    if found:
        connection.execute(_RESOLVE_DEAD, [{"dead_id": dead_id, "at": now,
                                            "clue": clue_by_ref[ref]} for dead_id, ref in found])
    return len(found)


def list_dead_letters(session: Session, connector: str | None, state: str | None,
                      limit: int = 500) -> list[DeadLetter]:
    query = select(DeadLetter).order_by(DeadLetter.id).limit(limit)
    if connector:
        query = query.where(DeadLetter.connector == connector)
    if state:
        query = query.where(DeadLetter.state == state)
    return list(session.scalars(query))


def dead_letters_with_raw(session: Session, ids: list[int]) -> list[tuple[DeadLetter, RawRecord]]:
    """Each dead letter with the record to map: the administrator's correction when there
    is one, otherwise the record as received."""
    to_map = func.coalesce(DeadLetter.corrected_raw_record_id, DeadLetter.raw_record_id)
    rows = session.execute(
        select(DeadLetter, RawRecord).join(RawRecord, RawRecord.id == to_map)
        .where(DeadLetter.id.in_(ids)).order_by(DeadLetter.id))
    return [(dead, raw) for dead, raw in rows]


def open_ids(session: Session, connector: str | None) -> list[int]:
    query = select(DeadLetter.id).where(DeadLetter.state == "open").order_by(DeadLetter.id)
    if connector:
        query = query.where(DeadLetter.connector == connector)
    return list(session.scalars(query))


def update_dead_letter(session: Session, dead_id: int, **values: Any) -> None:
    session.execute(update(DeadLetter).where(DeadLetter.id == dead_id).values(**values))


def open_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(DeadLetter.connector, func.count())
                           .where(DeadLetter.state == "open").group_by(DeadLetter.connector))
    return {connector: n for connector, n in rows}


def open_by_reason(session: Session) -> list[tuple[str, str, int]]:
    """Open dead letters counted by connector and the field that failed."""
    rows = session.execute(
        select(DeadLetter.connector, DeadLetter.field, func.count())
        .where(DeadLetter.state == "open").group_by(DeadLetter.connector, DeadLetter.field)
        .order_by(func.count().desc()))
    return [(connector, field or "", n) for connector, field, n in rows]


def recent_runs(session: Session, per_connector: int) -> dict[str, list[ConnectorRun]]:
    """The last runs of every connector, newest first."""
    out: dict[str, list[ConnectorRun]] = {}
    for name in session.scalars(select(ConnectorState.name)):
        out[name] = list(session.scalars(
            select(ConnectorRun).where(ConnectorRun.connector == name)
            .order_by(ConnectorRun.id.desc()).limit(per_connector)))
    return out


def get_dead_letter(session: Session, dead_id: int) -> DeadLetter | None:
    return session.get(DeadLetter, dead_id)


def get_raw(session: Session, raw_id: int) -> RawRecord | None:
    return session.get(RawRecord, raw_id)


def add_raw(session: Session, raw: RawRecord) -> int:
    session.add(raw)
    session.flush()
    return raw.id


def reply_targets(session: Session) -> list[tuple[int, str, str | None]]:
    """(agency id, connector name, base URL) of every configured connector."""
    return list(session.execute(select(ConnectorState.agency_id, ConnectorState.name,
                                       ConnectorState.base_url)).tuples())
