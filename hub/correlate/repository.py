"""All SQL of correlation: the index and the clues it reads and moves on (the raw statement
texts are in `queries`; the clusters' SQL in `cluster_repository`). The other modules of the package call these functions by
what they fetch or write and hold no SQL of their own.

A batch of new clues asks the index one question for all its band keys and one for all its
field keys, each key once (arrays and a lateral join on PostgreSQL; on SQLite, which runs in
the process, one prepared statement executed per key on the raw cursor), reads the stored
profiles it needs once, and writes its rows with one statement per table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.orm import Session

from hub.correlate import lists, queries
from hub.correlate.models import (
    CorrelateBandKey,
    CorrelateFieldKey,
    CorrelateProfile,
)
from hub.db.bulk import insert_rows
from hub.db.models import Clue, ClueEvent

BAND_SPAN = 180  # days between the first and last window of a band key's read (lists.grouped)
KEEP_BATCHES = 1000  # batch numbers kept for the re-check (a plan further behind plans again)


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _cursor(connection: Connection):  # noqa: ANN202 - the DB-API cursor: plain tuples
    return connection.connection.driver_connection.cursor()


_array = queries.int_array  # PostgreSQL: a list of numbers as one array literal


def last_batch(connection: Connection) -> int:
    """The number of the last batch linked (0: none yet)."""
    return int(connection.exec_driver_sql(queries.LAST_BATCH).scalar_one())


def batches_after(connection: Connection, seq: int) -> list[tuple[int, list[Any]]]:
    """(number, [[clue id, day, [band keys]], …]) of the batches linked after `seq`, in
    order."""
    sql = queries.BATCHES_AFTER_PG if _postgres(connection) else queries.BATCHES_AFTER_LITE
    return [(int(number), entries if isinstance(entries, list) else json.loads(entries))
            for number, entries in connection.exec_driver_sql(sql, (seq,))]


def add_batch(connection: Connection, seq: int, entries: list[Any], now: datetime) -> None:
    """Number a linked batch ([clue id, day, [band keys]] each); forget the numbers far
    behind."""
    document = orjson.dumps(entries).decode()  # some 6,400 numbers for a batch of 200
    if _postgres(connection):
        connection.exec_driver_sql(queries.ADD_BATCH_PG, (seq, document, now))
        if seq % 100 == 0:
            connection.exec_driver_sql(queries.PRUNE_BATCHES_PG, (seq - KEEP_BATCHES,))
        return
    at = now.replace(tzinfo=None).isoformat(sep=" ")
    connection.exec_driver_sql(queries.ADD_BATCH_LITE, (seq, document, at))
    if seq % 100 == 0:
        connection.exec_driver_sql(queries.PRUNE_BATCHES_LITE, (seq - KEEP_BATCHES,))


def indexed(connection: Connection, clue_ids: Sequence[int]) -> set[int]:
    """Which of these clues the index holds already."""
    if not clue_ids:
        return set()
    if _postgres(connection):
        return {row[0] for row in _cursor(connection).execute(queries.INDEXED_PG,
                                                              (_array(clue_ids),))}
    return {row[0] for row in connection.exec_driver_sql(queries.INDEXED_LITE,
                                                         (json.dumps(list(clue_ids)),))}


@contextmanager
def ordered_scans(connection: Connection) -> Iterator[None]:
    """PostgreSQL: the list reads below with the ordered index scan as their only plan
    (queries.ORDERED_SCANS_PG), the settings put back after (or rolled back on failure)."""
    if not _postgres(connection):
        yield
        return
    bitmap, seq, _, _ = connection.exec_driver_sql(queries.ORDERED_SCANS_PG).one()
    yield
    connection.exec_driver_sql(queries.RESTORE_SCANS_PG, (bitmap, seq))


_KEY, _FIELD = itemgetter(0), itemgetter(0, 1, 4)  # what a list request is read once for


def band_lists(connection: Connection, requests: Sequence[tuple[int, int, int]],
               per_band: int) -> dict[tuple[int, int, int], list[int]]:
    """For each (band key, low day, high day): the latest `per_band` holders of that key in
    those days, latest first, each as day << 32 | clue id. Each key is read once per group
    of windows (`lists.grouped`), for their union; a request that list cannot answer is read
    on its own."""
    if not requests:
        return {}
    groups = lists.grouped(requests, BAND_SPAN).__getitem__
    union = lists.spans(requests, groups, 1)
    asked = [(key, low, high) for (key, _), (low, high) in union.items()]
    read = dict(zip(union, _band_rows(connection, asked, per_band), strict=True))
    done, again = lists.split(requests, groups, 1, read, lambda _: per_band)
    if again:
        done.update(zip(again, _band_rows(connection, again, per_band), strict=True))
    return done


def _band_rows(connection: Connection, requests: Sequence[Any], per_band: int) -> list[list[int]]:
    if _postgres(connection):
        keys, lows, highs = (_array(c) for c in zip(*requests, strict=True))
        rows = _cursor(connection).execute(queries.BAND_LISTS_PG, {
            "keys": keys, "lows": lows, "highs": highs, "per_band": per_band}).fetchall()
        return [listed for (listed,) in rows]
    cursor = _cursor(connection)
    return [_numbers(cursor.execute(queries.BAND_LIST_LITE, (*r, per_band)).fetchone()[0])
            for r in requests]


def field_lists(connection: Connection, requests: Sequence[tuple[str, str, int, int, int]]
                ) -> dict[tuple[str, str, int, int], list[int]]:
    """For each (kind, value, low day, high day, n): the latest n holders of that field key
    in those days, latest first, each as day << 32 | clue id (read as `band_lists`)."""
    if not requests:
        return {}
    union = lists.spans(requests, _FIELD, 2)
    asked = [(kind, value, low, high, n) for (kind, value, n), (low, high) in union.items()]
    read = dict(zip(union, _field_rows(connection, asked), strict=True))
    done, again = lists.split(requests, _FIELD, 2, read, itemgetter(4))
    if again:
        done.update(zip(again, _field_rows(connection, again), strict=True))
    return {r[:4]: listed for r, listed in done.items()}


def _field_rows(connection: Connection, requests: Sequence[Any]) -> list[list[int]]:
    if _postgres(connection):
        kinds, values, lows, highs, limits = zip(*requests, strict=True)
        rows = _cursor(connection).execute(queries.FIELD_LISTS_PG, {
            "kinds": list(kinds), "values": list(values), "lows": _array(lows),
            "highs": _array(highs), "limits": _array(limits)}).fetchall()
        return [listed for (listed,) in rows]
    cursor = _cursor(connection)
    return [_numbers(cursor.execute(queries.FIELD_LIST_LITE, r).fetchone()[0]) for r in requests]


def _numbers(joined: str | None) -> list[int]:
    return sorted(map(int, joined.split(",")), reverse=True) if joined else []


def profile_rows(connection: Connection, clue_ids: Sequence[int]) -> Iterable[tuple[Any, ...]]:
    """(clue id, reported at, channel, region code, text, facts) of these clues."""
    if not clue_ids:
        return []
    sql, ids = ((queries._PROFILES_PG, _array(clue_ids)) if _postgres(connection)
                else (queries.PROFILES_LITE, json.dumps(list(clue_ids))))
    return _cursor(connection).execute(sql, (ids,)).fetchall()  # plain tuples, on the driver


_PROFILES = CorrelateProfile.__table__


def add_profiles(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert profile rows (one statement); one written first is left as it is."""
    if rows:
        make = pg_insert if _postgres(connection) else lite_insert
        connection.execute(make(_PROFILES).on_conflict_do_nothing(), rows)


def add_keys(connection: Connection, bands: Sequence[tuple[int, int, int]],
             fields: Sequence[tuple[str, str, int, int]]) -> None:
    """Insert band rows (key, day, clue id) and field rows (kind, value, day, clue id)."""
    queries.insert_keys(connection, bands, fields)


def add_entries(connection: Connection, rows: Sequence[tuple[Any, ...]], now: datetime) -> None:
    queries.insert_entries(_cursor(connection), _postgres(connection), rows, now)  # its rows


def standing(connection: Connection, clue_ids: Sequence[int],
             system: str) -> list[tuple[int, int, bool]]:
    """(clue id, cluster id, detached) of these clues (see queries.standing)."""
    if not clue_ids:
        return []
    return [(c, k, bool(d)) for c, k, d in queries.standing(connection, list(clue_ids), system)]


# --- the index, clue by clue (index.candidates) and whole -----------------------------------


def lock_linking(connection: Connection, lock_id: int) -> None:
    """PostgreSQL: take the transaction-level advisory lock that serializes linking (SQLite
    has one writer already)."""
    if _postgres(connection):
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


def clear_index(connection: Connection) -> None:
    """Empty the index tables (rebuild)."""
    models = (CorrelateBandKey, CorrelateFieldKey, CorrelateProfile)
    if _postgres(connection):
        names = ", ".join(m.__tablename__ for m in models)
        connection.execute(text(f"TRUNCATE {names}"))
        return
    for model in models:
        connection.execute(delete(model))


def single_statement(connection: Connection) -> bool:
    """Whether one statement ranks a clue's candidates and reads their profiles."""
    return queries.single_statement(connection)


def candidate_rows(connection: Connection, **asked: Any) -> Iterable[tuple[Any, ...]]:
    """PostgreSQL: the profile rows of a clue's best candidates (see queries.candidate_rows)."""
    return queries.candidate_rows(connection, **asked)


def band_matches(connection: Connection, keys: Sequence[int], low: int, high: int,
                 per_key: int, limit: int) -> Iterable[tuple[int, int]]:
    """(clue id, bands shared) of the clues sharing a band key in days [low, high]."""
    return queries.band_matches(connection, keys, low, high, per_key, limit)


def field_matches(connection: Connection, keys: Sequence[tuple[str, str, int]], low: int,
                  high: int) -> Iterable[tuple[str, int]]:
    """(kind, clue id) of the latest n clues in days [low, high] per (kind, value, n)."""
    return queries.field_matches(connection, keys, low, high)


# --- the clues correlation reads and moves on ---------------------------------------------


def correlate_rows(session: Session, clue_ids: Sequence[int]) -> Iterable[Any]:
    """Rows (id, channel, title, content, region_code, reported_at, subjects, references)."""
    return session.execute(select(
        Clue.id, Clue.channel, Clue.title, Clue.content, Clue.region_code, Clue.reported_at,
        Clue.subjects, Clue.references).where(Clue.id.in_(list(clue_ids))))


def set_status(session: Session, clue_ids: Sequence[int], status: str, now: datetime) -> None:
    """Move these clues on to `status` (one executemany by primary key)."""
    session.execute(update(Clue), [{"id": i, "status": status, "updated_at": now}
                                   for i in clue_ids])


def count_clues(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Clue)) or 0


def clue_ids_after(session: Session, last_id: int, limit: int) -> list[int]:
    """The next `limit` clue ids above `last_id`, in order."""
    return list(session.scalars(select(Clue.id).where(Clue.id > last_id)
                                .order_by(Clue.id).limit(limit)))


def clues_with_event(session: Session, clue_ids: Sequence[int], action: str) -> set[int]:
    """Which of these clues have an event of `action`."""
    if not clue_ids:
        return set()
    rows = session.execute(select(ClueEvent.clue_id).where(
        ClueEvent.clue_id.in_(list(clue_ids)), ClueEvent.action == action).distinct())
    return set(rows.scalars())


def add_events(connection: Connection, events: list[dict[str, Any]]) -> None:
    """Clue events (history), one statement (hub.db.bulk: every event has the same keys)."""
    insert_rows(connection, ClueEvent.__table__, events)


def clue_exists(session: Session, clue_id: int) -> bool:
    return session.get(Clue, clue_id) is not None
