"""SQL of correlation that runs once per batch (the statement texts are in `queries`).

A batch of new clues asks the index one question for all its band keys and one for all its
field keys (arrays and a lateral join on PostgreSQL; on SQLite, which runs in the process,
one prepared statement executed per key on the raw cursor), reads the stored profiles it
needs once, and writes its rows with one statement per table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert

from hub.correlate import queries
from hub.correlate.models import CorrelateProfile

KEEP_BATCHES = 1000  # batch numbers kept for the re-check (a plan further behind plans again)


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _cursor(connection: Connection):  # noqa: ANN202 - the DB-API cursor (SQLite)
    return connection.connection.driver_connection.cursor()


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
    if _postgres(connection):
        connection.exec_driver_sql(queries.ADD_BATCH_PG, (seq, json.dumps(entries), now))
        if seq % 100 == 0:
            connection.exec_driver_sql(queries.PRUNE_BATCHES_PG, (seq - KEEP_BATCHES,))
        return
    at = now.replace(tzinfo=None).isoformat(sep=" ")
    connection.exec_driver_sql(queries.ADD_BATCH_LITE, (seq, json.dumps(entries), at))
    if seq % 100 == 0:
        connection.exec_driver_sql(queries.PRUNE_BATCHES_LITE, (seq - KEEP_BATCHES,))


def indexed(connection: Connection, clue_ids: Sequence[int]) -> set[int]:
    """Which of these clues the index holds already."""
    if not clue_ids:
        return set()
    if _postgres(connection):
        return {row[0] for row in connection.exec_driver_sql(queries.INDEXED_PG, (list(clue_ids),))}
    return {row[0] for row in connection.exec_driver_sql(queries.INDEXED_LITE,
                                                         (json.dumps(list(clue_ids)),))}


def band_lists(connection: Connection, requests: Sequence[tuple[int, int, int]],
               per_band: int) -> dict[tuple[int, int, int], list[int]]:
    """For each (band key, low day, high day): the latest `per_band` holders of that key in
    those days, latest first, each as day << 32 | clue id."""
    if not requests:
        return {}
    if _postgres(connection):
        keys, lows, highs = (list(c) for c in zip(*requests, strict=True))
        rows = connection.exec_driver_sql(queries.BAND_LISTS_PG, {
            "keys": keys, "lows": lows, "highs": highs, "per_band": per_band})
        return {r: listed for r, (listed,) in zip(requests, rows, strict=True)}
    cursor = _cursor(connection)
    return {r: _numbers(cursor.execute(queries.BAND_LIST_LITE, (*r, per_band)).fetchone()[0])
            for r in requests}


def field_lists(connection: Connection, requests: Sequence[tuple[str, str, int, int, int]]
                ) -> dict[tuple[str, str, int, int], list[int]]:
    """For each (kind, value, low day, high day, n): the latest n holders of that field key
    in those days, latest first, each as day << 32 | clue id."""
    if not requests:
        return {}
    if _postgres(connection):
        kinds, values, lows, highs, limits = (list(c) for c in zip(*requests, strict=True))
        rows = connection.exec_driver_sql(queries.FIELD_LISTS_PG, {
            "kinds": kinds, "values": values, "lows": lows, "highs": highs, "limits": limits})
        return {r[:4]: listed for r, (listed,) in zip(requests, rows, strict=True)}
    cursor = _cursor(connection)
    return {r[:4]: _numbers(cursor.execute(queries.FIELD_LIST_LITE, r).fetchone()[0])
            for r in requests}


def _numbers(joined: str | None) -> list[int]:
    return sorted(map(int, joined.split(",")), reverse=True) if joined else []


def profile_rows(connection: Connection, clue_ids: Sequence[int]) -> Iterable[tuple[Any, ...]]:
    """(clue id, reported at, channel, region code, text, facts) of these clues."""
    if not clue_ids:
        return []
    if _postgres(connection):
        return connection.exec_driver_sql(queries._PROFILES_PG, (list(clue_ids),))
    return connection.exec_driver_sql(queries.PROFILES_LITE, (json.dumps(list(clue_ids)),))


_PROFILES = CorrelateProfile.__table__


def add_profiles(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert profile rows; one a concurrent batch wrote first is left as it is (one
    statement)."""
    if not rows:
        return
    make = pg_insert if _postgres(connection) else lite_insert
    connection.execute(make(_PROFILES).on_conflict_do_nothing(), rows)


def add_keys(connection: Connection, bands: Sequence[tuple[int, int, int]],
             fields: Sequence[tuple[str, str, int, int]]) -> None:
    """Insert band rows (key, day, clue id) and field rows (kind, value, day, clue id)."""
    queries.insert_keys(connection, bands, fields)


def standing(connection: Connection, clue_ids: Sequence[int],
             system: str) -> list[tuple[int, int, bool]]:
    """(clue id, cluster id, detached) of these clues (see queries.standing)."""
    if not clue_ids:
        return []
    return [(c, k, bool(d)) for c, k, d in queries.standing(connection, list(clue_ids), system)]
