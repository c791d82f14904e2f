"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, configure_mappers, sessionmaker


def make_engine(url: str, durable: bool = True) -> Engine:
    """An engine whose commits are on disk when they return (`durable`), or that may lose
    its last commits in a power cut or OS crash (never corrupting anything).

    Relaxed engines serve work that can be done again: a pipeline task's result lost this
    way leaves the task unfinished, and it runs again.
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url, durable)
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_when_idle(engine)
    if not durable:

        @event.listens_for(engine, "connect")
        def _relaxed(dbapi_connection, _record) -> None:  # noqa: ANN001
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            dbapi_connection.commit()

    return engine


# A pooled connection that was in use this recently is handed out without a ping.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Pre-ping (a round trip before a pooled connection is handed out), but only for a
    connection idle for PING_AFTER_IDLE_SECONDS: one the intake writer used a moment ago
    is alive, and pinging it was a third round trip per group commit. A dead one is
    replaced by a new connection, as with pool_pre_ping."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:  # noqa: ANN001
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("ping failed")


def _sqlite_engine(url: str, durable: bool) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20, max_overflow=20
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk (fsync'd WAL) before the API answers 2xx. NORMAL skips
        # that fsync; the next FULL commit's fsync then covers the earlier frames too.
        cursor.execute("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def ping(engine: Engine) -> None:
    """One round trip to the database (raises when it cannot answer)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def warm_engine(engine: Engine) -> None:
    """At start: the ORM's mappers configured and one pooled connection opened, instead of
    in the first request."""
    configure_mappers()
    ping(engine)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class WriteGate:
    """Serializes write transactions within one process on SQLite.

    SQLite has one writer; letting threads race for its lock makes them sleep in the busy
    handler with growing back-off, which is where the latency tail comes from. A process
    lock queues them instead. PostgreSQL needs no gate.
    """

    def __init__(self, enabled: bool) -> None:
        self._lock = threading.Lock() if enabled else None

    def __call__(self) -> AbstractContextManager[object]:
        return self._lock if self._lock is not None else nullcontext()
