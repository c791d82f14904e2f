"""The index's read queries in plain SQL, one shape per database.

They run for every new clue, so they skip the expression language. On PostgreSQL each has
one fixed text whatever the number of keys (arrays instead of IN lists, a lateral join over
the field keys), so psycopg prepares it on the server after a few runs and it is not planned
again; SQLite gets IN lists and a UNION ALL of small ordered scans.

On PostgreSQL a new clue's candidates are ranked and their profiles read in ONE statement
(`candidate_rows`): the server executes the lookups in well under a millisecond, and on a
busy machine each further round trip waits for the scheduler twice (bench/correlate.py shows
the steps). SQLite runs in the process: its three statements cost no round trip.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from hub.db.bulk import sqlite_time

_BANDS_PG = (
    "SELECT b.clue_id, count(*) AS shared FROM unnest(%s::bigint[]) AS k(key) "
    "CROSS JOIN LATERAL (SELECT clue_id FROM correlate_band_keys "
    "WHERE key = k.key AND day BETWEEN %s AND %s "
    "ORDER BY day DESC, clue_id DESC LIMIT %s) AS b "
    "GROUP BY b.clue_id ORDER BY shared DESC, b.clue_id DESC LIMIT %s")
_FIELDS_PG = (
    "SELECT k.kind, f.clue_id FROM unnest(%s::text[], %s::text[], %s::int[]) AS k(kind, value, n) "
    "CROSS JOIN LATERAL (SELECT clue_id FROM correlate_field_keys "
    "WHERE kind = k.kind AND value = k.value AND day BETWEEN %s AND %s "
    "ORDER BY day DESC, clue_id DESC LIMIT k.n) AS f")
_CANDIDATES_PG = (
    "WITH b AS (SELECT b.clue_id, count(*) * %(band_weight)s::float8 AS w "
    "FROM unnest(%(bands)s::bigint[]) AS k(key) "
    "CROSS JOIN LATERAL (SELECT clue_id FROM correlate_band_keys "
    "WHERE key = k.key AND day BETWEEN %(low)s AND %(high)s "
    "ORDER BY day DESC, clue_id DESC LIMIT %(per_band)s) AS b "
    "GROUP BY b.clue_id ORDER BY count(*) DESC, b.clue_id DESC LIMIT %(band_limit)s), "
    "f AS (SELECT f.clue_id, k.weight AS w FROM unnest(%(kinds)s::text[], %(values)s::text[], "
    "%(limits)s::int[], %(weights)s::float8[]) AS k(kind, value, n, weight) "
    "CROSS JOIN LATERAL (SELECT clue_id FROM correlate_field_keys "
    "WHERE kind = k.kind AND value = k.value AND day BETWEEN %(low)s AND %(high)s "
    "ORDER BY day DESC, clue_id DESC LIMIT k.n) AS f), "
    "r AS (SELECT clue_id, sum(w) AS rank FROM (SELECT clue_id, w FROM b UNION ALL "
    "SELECT clue_id, w FROM f) AS u WHERE clue_id <> %(itself)s GROUP BY clue_id "
    "ORDER BY rank DESC, clue_id DESC LIMIT %(limit)s) "
    "SELECT p.clue_id, p.reported_at, p.channel, p.region_code, p.text, p.facts "
    "FROM r JOIN correlate_profiles AS p ON p.clue_id = r.clue_id "
    "ORDER BY r.rank DESC, r.clue_id DESC")
_PROFILES_PG = (
    "SELECT clue_id, reported_at, channel, region_code, text, facts::text FROM correlate_profiles "
    "WHERE clue_id = ANY(%s)")


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def int_array(numbers: Iterable[int]) -> str:
    """PostgreSQL: numbers as one array literal ('{1,2,3}'), for a parameter cast to int[] or
    bigint[]. psycopg would dump a list element by element in Python (and test each for
    quotes): for the thousands of numbers a batch's reads pass, that costs more than the
    reads."""
    return "{" + ",".join(map(str, numbers)) + "}"


def single_statement(connection: Connection) -> bool:
    """Whether `candidate_rows` is available (PostgreSQL)."""
    return _postgres(connection)


def candidate_rows(connection: Connection, *, itself: int, bands: Sequence[int],
                   band_weight: float, per_band: int, band_limit: int,
                   keys: Sequence[tuple[str, str, int, float]], low: int, high: int,
                   limit: int) -> Iterable[tuple[Any, ...]]:
    """PostgreSQL: the profile rows (as `profile_rows`) of the best `limit` candidates, best
    first: band matches (the latest `per_band` per key, the `band_limit` sharing most, each
    shared band worth `band_weight`) plus field matches ((kind, value, n, weight): the latest
    n per key), summed per clue; `itself` excluded; ties to the newest clue id."""
    kinds, values, limits, weights = ([list(c) for c in zip(*keys, strict=True)] if keys
                                      else ([], [], [], []))
    return connection.exec_driver_sql(_CANDIDATES_PG, {
        "bands": list(bands), "band_weight": band_weight, "per_band": per_band,
        "band_limit": band_limit, "kinds": kinds, "values": values, "limits": limits,
        "weights": weights, "low": low, "high": high, "itself": itself, "limit": limit})


def band_matches(connection: Connection, keys: Sequence[int], low: int, high: int,
                 per_key: int, limit: int) -> Iterable[tuple[int, int]]:
    """(clue id, bands shared) of the clues in days [low, high] sharing a band key, the
    latest `per_key` of each key only: a flood of identical clues costs the same as one."""
    if _postgres(connection):
        return connection.exec_driver_sql(_BANDS_PG, (list(keys), low, high, per_key, limit))
    parts = ["SELECT clue_id FROM (SELECT clue_id FROM correlate_band_keys WHERE key = ? "
             f"AND day BETWEEN ? AND ? ORDER BY day DESC, clue_id DESC LIMIT ?) AS b{number}"
             for number in range(len(keys))]
    sql = (f"SELECT clue_id, count(*) AS shared FROM ({' UNION ALL '.join(parts)}) "
           "GROUP BY clue_id ORDER BY shared DESC, clue_id DESC LIMIT ?")
    params = [value for key in keys for value in (key, low, high, per_key)]
    return connection.exec_driver_sql(sql, (*params, limit))


def field_matches(connection: Connection, keys: Sequence[tuple[str, str, int]], low: int,
                  high: int) -> Iterable[tuple[str, int]]:
    """(kind, clue id) of the latest `n` clues in days [low, high] per (kind, value, n)."""
    if _postgres(connection):
        kinds, values, limits = (list(column) for column in zip(*keys, strict=True))
        return connection.exec_driver_sql(_FIELDS_PG, (kinds, values, limits, low, high))
    parts, params = [], []
    for number, (kind, value, limit) in enumerate(keys):
        parts.append("SELECT kind, clue_id FROM (SELECT kind, clue_id FROM correlate_field_keys "
                     "WHERE kind = ? AND value = ? AND day BETWEEN ? AND ? "
                     f"ORDER BY day DESC, clue_id DESC LIMIT ?) AS k{number}")
        params += [kind, value, low, high, limit]
    return connection.exec_driver_sql(" UNION ALL ".join(parts), tuple(params))


def profile_rows(connection: Connection, entries: Sequence[int]) -> Iterable[tuple[Any, ...]]:
    """(clue id, reported at, channel, region code, text, facts) of these clues."""
    if _postgres(connection):
        return connection.exec_driver_sql(_PROFILES_PG, (list(entries),))
    return connection.exec_driver_sql(
        "SELECT clue_id, reported_at, channel, region_code, text, facts FROM correlate_profiles "
        f"WHERE clue_id IN ({', '.join('?' * len(entries))})", tuple(entries))


_KEYS_PG = (
    "WITH b AS (INSERT INTO correlate_band_keys (key, day, clue_id) "
    "SELECT * FROM unnest(%(keys)s::bigint[], %(days)s::int[], %(ids)s::int[]) "
    "ON CONFLICT DO NOTHING) "
    "INSERT INTO correlate_field_keys (kind, value, day, clue_id) "
    "SELECT * FROM unnest(%(kinds)s::text[], %(values)s::text[], %(field_days)s::int[], "
    "%(field_ids)s::int[]) ON CONFLICT DO NOTHING")


def insert_keys(connection: Connection, bands: Sequence[tuple[int, int, int]],
                fields: Sequence[tuple[str, str, int, int]]) -> None:
    """Insert rows (key, day, clue id) of correlate_band_keys and (kind, value, day, clue id)
    of correlate_field_keys: one statement on PostgreSQL (arrays), one executemany per table
    on SQLite."""
    if _postgres(connection):
        keys, days, ids = ([list(c) for c in zip(*bands, strict=True)] if bands
                           else ([], [], []))
        kinds, values, field_days, field_ids = ([list(c) for c in zip(*fields, strict=True)]
                                                if fields else ([], [], [], []))
        connection.exec_driver_sql(_KEYS_PG, {
            "keys": keys, "days": days, "ids": ids, "kinds": kinds, "values": values,
            "field_days": field_days, "field_ids": field_ids})
        return
    if bands:  # in key order, as insert_entries
        connection.exec_driver_sql(
            "INSERT OR IGNORE INTO correlate_band_keys (key, day, clue_id) VALUES (?, ?, ?)",
            sorted(bands))
    if fields:
        connection.exec_driver_sql(
            "INSERT OR IGNORE INTO correlate_field_keys (kind, value, day, clue_id) "
            "VALUES (?, ?, ?, ?)",
            sorted(fields))


# A batch's profiles, one JSON document; the ids of those inserted come back (a profile a
# concurrent batch wrote first is left as it is, and so are its keys, written with it).
_ENTRIES_PG = (
    "INSERT INTO correlate_profiles (clue_id, reported_at, channel, region_code, text, facts, "
    "indexed_at) SELECT v.i, v.at, v.ch, v.rg, v.t, v.f, %(now)s FROM ROWS FROM "
    "(json_to_recordset(%(rows)s::json) AS (i int, at timestamptz, ch text, rg text, t text, "
    "f jsonb)) WITH ORDINALITY AS v(i, at, ch, rg, t, f, n) ORDER BY v.n "
    "ON CONFLICT DO NOTHING RETURNING clue_id")
_COPY_BANDS_PG = "COPY correlate_band_keys (key, day, clue_id) FROM STDIN"
_COPY_FIELDS_PG = "COPY correlate_field_keys (kind, value, day, clue_id) FROM STDIN"
_ENTRIES_LITE = (
    "INSERT OR IGNORE INTO correlate_profiles (clue_id, reported_at, channel, region_code, "
    "text, facts, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")


def insert_entries(cursor: Any, postgres: bool, rows: Sequence[tuple[Any, ...]],
                   now: datetime) -> None:
    """A batch's index rows, on the driver's cursor: each row (clue id, reported at,
    channel, region code, text, facts, day, band keys, field keys (kind, value)).

    PostgreSQL: the profiles in one statement, then the band and field keys of the clues
    whose profile it inserted, each table by COPY: no ON CONFLICT (the keys of a clue are
    written with its profile only, so they cannot be there already), no statement per row.
    SQLite: one executemany per table, a row already there left as it is."""
    if not rows:
        return
    if not postgres:
        at = sqlite_time
        cursor.executemany(_ENTRIES_LITE, [(r[0], at(r[1]), r[2], r[3], r[4], json.dumps(r[5]),
                                            at(now)) for r in rows])
        # In key order: each insert then walks the pages the one before it walked (the
        # tables are WITHOUT ROWID, ordered by key), ≈ 40 % less of SQLite's time than in
        # the random order of the keys; what the tables hold is the same.
        cursor.executemany("INSERT OR IGNORE INTO correlate_band_keys (key, day, clue_id) "
                           "VALUES (?, ?, ?)", sorted([(k, r[6], r[0]) for r in rows
                                                       for k in r[7]]))
        cursor.executemany("INSERT OR IGNORE INTO correlate_field_keys (kind, value, day, "
                           "clue_id) VALUES (?, ?, ?, ?)",
                           sorted([(k, v, r[6], r[0]) for r in rows for k, v in r[8]]))
        return
    document = orjson.dumps([{"i": r[0], "at": r[1], "ch": r[2], "rg": r[3], "t": r[4],
                              "f": r[5]} for r in rows]).decode()
    inserted = {i for (i,) in cursor.execute(_ENTRIES_PG, {"rows": document, "now": now})}
    rows = [r for r in rows if r[0] in inserted]
    bands = []
    for r in rows:  # "key\tday\tclue id\n" for each band key
        if r[7]:
            tail = f"\t{r[6]}\t{r[0]}\n"
            bands.append(tail.join(map(str, r[7])) + tail)
    if bands:
        with cursor.copy(_COPY_BANDS_PG) as copy:
            copy.write("".join(bands))
    if any(r[8] for r in rows):
        with cursor.copy(_COPY_FIELDS_PG) as copy:
            for r in rows:
                for kind, value in r[8]:
                    copy.write_row((kind, value, r[6], r[0]))


_STANDING_PG = (
    "SELECT clue_id, cluster_id, false FROM clue_clusters WHERE clue_id = ANY(%(ids)s) "
    "UNION ALL SELECT clue_id, cluster_id, true FROM cluster_links "
    "WHERE clue_id = ANY(%(ids)s) AND detached_by IS NOT NULL AND detached_by <> %(system)s")


def standing(connection: Connection, entries: Sequence[int],
             system: str) -> Iterable[tuple[int, int, bool]]:
    """(clue id, cluster id, detached) of these clues: the cluster each is in now (detached
    false), and each cluster a reviewer (not `system`) took it out of (detached true)."""
    if _postgres(connection):
        return connection.exec_driver_sql(_STANDING_PG, {"ids": int_array(entries),
                                                         "system": system})
    marks = ", ".join("?" * len(entries))
    return connection.exec_driver_sql(
        f"SELECT clue_id, cluster_id, 0 FROM clue_clusters WHERE clue_id IN ({marks}) "
        f"UNION ALL SELECT clue_id, cluster_id, 1 FROM cluster_links WHERE clue_id IN ({marks}) "
        "AND detached_by IS NOT NULL AND detached_by <> ?", (*entries, *entries, system))


# --- a whole batch at once (hub.correlate.repository runs these) ---------------------------

LAST_BATCH = "SELECT coalesce(max(seq), 0) FROM correlate_batches"
BATCHES_AFTER_PG = "SELECT seq, entries FROM correlate_batches WHERE seq > %s ORDER BY seq"
BATCHES_AFTER_LITE = "SELECT seq, entries FROM correlate_batches WHERE seq > ? ORDER BY seq"
ADD_BATCH_PG = ("INSERT INTO correlate_batches (seq, entries, linked_at) "
                "VALUES (%s, %s::jsonb, %s)")
ADD_BATCH_LITE = "INSERT INTO correlate_batches (seq, entries, linked_at) VALUES (?, ?, ?)"
PRUNE_BATCHES_PG = "DELETE FROM correlate_batches WHERE seq < %s"
PRUNE_BATCHES_LITE = "DELETE FROM correlate_batches WHERE seq < ?"
INDEXED_PG = "SELECT clue_id FROM correlate_profiles WHERE clue_id = ANY(%s)"
INDEXED_LITE = "SELECT clue_id FROM correlate_profiles WHERE clue_id IN (SELECT value FROM json_each(?))"

# The latest `per_band` holders of each (band key, window) a batch asks about, one array per
# key in the order asked, each holder as one number: day << 32 | clue id (ordered like
# (day, clue id)). One statement; a row per key instead of a row per holder. The plan wanted
# is a backward scan of the primary key (key, day, clue id) stopped by the LIMIT: stale
# statistics (a few rows per key) make the planner prefer a bitmap scan and a sort, which reads
# every holder of a flooded key, so the reads run with ORDERED_SCANS (see below).
BAND_LISTS_PG = (
    "SELECT ARRAY(SELECT (b.day::bigint << 32) | b.clue_id FROM correlate_band_keys AS b "
    "WHERE b.key = k.key AND b.day BETWEEN k.low AND k.high "
    "ORDER BY b.day DESC, b.clue_id DESC LIMIT %(per_band)s) "
    "FROM unnest(%(keys)s::bigint[], %(lows)s::int[], %(highs)s::int[]) "
    "WITH ORDINALITY AS k(key, low, high, n) ORDER BY k.n")
BAND_LIST_LITE = (
    "SELECT group_concat(v) FROM (SELECT (day << 32) | clue_id AS v FROM correlate_band_keys "
    "WHERE key = ? AND day BETWEEN ? AND ? ORDER BY day DESC, clue_id DESC LIMIT ?)")
# The latest n holders of each (kind, value, window) a batch asks about (as above).
FIELD_LISTS_PG = (
    "SELECT ARRAY(SELECT (f.day::bigint << 32) | f.clue_id FROM correlate_field_keys AS f "
    "WHERE f.kind = k.kind AND f.value = k.value AND f.day BETWEEN k.low AND k.high "
    "ORDER BY f.day DESC, f.clue_id DESC LIMIT k.n) "
    "FROM unnest(%(kinds)s::text[], %(values)s::text[], %(lows)s::int[], %(highs)s::int[], "
    "%(limits)s::int[]) WITH ORDINALITY AS k(kind, value, low, high, n, i) ORDER BY k.i")
FIELD_LIST_LITE = (
    "SELECT group_concat(v) FROM (SELECT (day << 32) | clue_id AS v FROM correlate_field_keys "
    "WHERE kind = ? AND value = ? AND day BETWEEN ? AND ? ORDER BY day DESC, clue_id DESC "
    "LIMIT ?)")
PROFILES_LITE = ("SELECT clue_id, reported_at, channel, region_code, text, facts "
                 "FROM correlate_profiles WHERE clue_id IN (SELECT value FROM json_each(?))")

# Planner settings for the list reads above (transaction-local, put back after the reads):
# with bitmap and sequential scans off, the ordered index scan with its LIMIT is the only plan
# left, whatever the statistics say; prepared (generic) plans are made under them too.
ORDERED_SCANS_PG = ("SELECT current_setting('enable_bitmapscan'), "
                    "current_setting('enable_seqscan'), "
                    "set_config('enable_bitmapscan', 'off', true), "
                    "set_config('enable_seqscan', 'off', true)")
RESTORE_SCANS_PG = ("SELECT set_config('enable_bitmapscan', %s, true), "
                    "set_config('enable_seqscan', %s, true)")

# Clusters grown by a batch's links, all in one statement (the rows as one JSON document).
GROW_PG = (
    "UPDATE clusters AS t SET members = t.members + v.b_added, channels = v.b_channels, "
    "channel_list = v.b_channel_list, lead_clue_id = v.b_lead, updated_at = v.b_now "
    "FROM json_to_recordset(%s::json) AS v(b_id int, b_added int, b_channels int, "
    "b_channel_list jsonb, b_lead int, b_now timestamptz) WHERE t.id = v.b_id")
