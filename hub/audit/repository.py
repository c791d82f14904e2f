"""SQL of the audit trail: the append lock, the newest entry and head, entries and heads in
seq order (streamed for verification), and the trail's pages. What the entries mean (hashes,
heads, verdicts) is in `service.py` and `chain.py`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, text
from sqlalchemy.orm import Session

from hub.audit.models import AuditEntry, AuditHead

# Distinct from the scheduler's leader lock; held until the caller's transaction ends.
APPEND_LOCK_KEY = 0x68756241  # "hubA"


def lock_appends(session: Session) -> None:
    """PostgreSQL: the transaction-level advisory lock every append and signer takes."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK_KEY})


def write_lock_sqlite(session: Session) -> None:
    """SQLite: take the write lock before reading (BEGIN IMMEDIATE), so two processes signing
    at once never both see the head unsigned."""
    if session.get_bind().dialect.name != "sqlite":
        return
    raw = session.connection().connection.driver_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def newest_entry(session: Session) -> Row | None:
    """(seq, hash) of the newest entry."""
    return session.execute(select(AuditEntry.seq, AuditEntry.hash)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()


def newest_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEntry.seq))) or 0


def newest_head_seq(session: Session) -> int | None:
    return session.scalar(select(AuditHead.seq).order_by(AuditHead.seq.desc()).limit(1))


def newest_head(session: Session) -> AuditHead | None:
    return session.scalar(select(AuditHead).order_by(AuditHead.seq.desc(), AuditHead.id.desc())
                          .limit(1))


def hashes_between(session: Session, start: int, end: int) -> Iterable[str]:
    """The entries' hashes from seq `start` to `end` (both included), in seq order."""
    return session.scalars(select(AuditEntry.hash).where(
        AuditEntry.seq >= start, AuditEntry.seq <= end).order_by(AuditEntry.seq))


def seq_hashes_between(session: Session, start: int, end: int) -> Iterable[tuple[int, str]]:
    """(seq, hash) of the entries from `start` to `end` (both included), in seq order."""
    return session.execute(
        select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq >= start,
                                                      AuditEntry.seq <= end)
        .order_by(AuditEntry.seq)).tuples()


def entries_after(session: Session, after: int, limit: int) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.seq > after)
                                .order_by(AuditEntry.seq).limit(limit)))


def entries_from(session: Session, seq: int, limit: int) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq)
                                .order_by(AuditEntry.seq).limit(limit)))


def heads_in_order(session: Session) -> Iterator[Any]:
    """Every head in seq order, streamed as plain rows (a year of heads is many)."""
    columns = (AuditHead.seq, AuditHead.hash, AuditHead.signed_at, AuditHead.key_id,
               AuditHead.signature, AuditHead.span_start, AuditHead.span)
    return iter(session.execute(select(*columns).order_by(AuditHead.seq, AuditHead.id)
                                .execution_options(yield_per=1000)))


def head_with_span(session: Session, seq: int) -> AuditHead | None:
    """The first head signed at `seq` that recorded the hashes of its span."""
    return session.scalar(select(AuditHead).where(AuditHead.seq == seq,
                                                  AuditHead.span.is_not(None))
                          .order_by(AuditHead.id).limit(1))


@dataclass(frozen=True)
class TrailFilter:
    actor: str | None = None  # "user:3", "user", "agency:2", "system"
    action: str | None = None  # prefix, e.g. "reporter."
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    target: str | None = None


def entries(session: Session, f: TrailFilter, before_seq: int | None = None,
            limit: int = 100) -> list[AuditEntry]:
    """Newest first, `limit` at a time, older ones after `before_seq`."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if before_seq:
        query = query.where(AuditEntry.seq < before_seq)
    if f.actor:
        kind, _, ident = f.actor.partition(":")
        query = query.where(AuditEntry.actor_kind == kind)
        if ident:
            query = query.where(AuditEntry.actor_id == ident)
    if f.action:
        query = query.where(AuditEntry.action.startswith(f.action, autoescape=True))
    if f.target:
        kind, _, ident = f.target.partition(":")
        query = query.where(AuditEntry.target_kind == kind, AuditEntry.target_id == ident)
    if f.since:
        query = query.where(AuditEntry.at >= f.since)
    if f.until:
        query = query.where(AuditEntry.at < f.until)
    return list(session.scalars(query))
