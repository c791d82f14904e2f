"""Many rows in one statement: on PostgreSQL new rows go by COPY, and rows that may meet a
unique key (or update rows) travel as one JSON document and come out of `json_to_recordset`,
so a batch costs one statement whatever its size (one plan, prepared once by the driver, one
parameter serialized by the C encoder); elsewhere (SQLite) the same rows go as an executemany.

The values are what the columns' types would bind: datetimes aware (as UTCDateTime refuses
naive ones; PostgreSQL reads the offset, so the instant is the same), JSON columns as jsonb
of the same value. Rows are inserted in the order given (their ids follow it). A row with
None in a JSON column goes the executemany way, which binds it as JSON null.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Connection,
    Enum,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    bindparam,
    insert,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from hub.db.types import UTCDateTime

_PG = postgresql.dialect()
_STATEMENTS: dict[tuple, Any] = {}


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
                conflict: Sequence[str] = (), replace: Sequence[str] = ()) -> None:
    """Insert these rows (every row has the same keys). With `conflict` (the unique columns),
    a row already there gets the `replace` columns of the new one (ON CONFLICT DO UPDATE; the
    rows of one call must then differ in those columns), or is skipped without `replace`."""
    if not rows:
        return
    names = tuple(rows[0])
    if connection.dialect.name == "sqlite" and _plain(table, names, "default"):
        columns = ", ".join(f'"{n}"' for n in names)
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(names))})'
            + _on_conflict(conflict, replace), _lite_rows(table, names, rows))
        return
    if connection.dialect.name != "postgresql" or _json_none(table, names, rows):
        statement = _statement(
            ("insert", connection.dialect.name, table.name, names, tuple(conflict),
             tuple(replace)),
            lambda: _insert(table, conflict, replace, connection.dialect.name))
        connection.execute(statement, list(rows))
        return
    if not conflict and _copied(connection, table, names, rows):
        return
    columns = ", ".join(f'"{n}"' for n in names)
    statement = _statement(
        ("pg-insert", table.name, names, tuple(conflict), tuple(replace)),
        lambda: text(
            f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM '
            f"ROWS FROM (json_to_recordset(CAST(:rows AS json)) AS ({_fields(table, names)})) "
            f"WITH ORDINALITY AS v({columns}, _n) ORDER BY _n" + _on_conflict(conflict, replace)))
    connection.execute(statement, {"rows": _document(table, names, rows)})


def insert_ids(connection: Connection, table: Table,
               rows: Sequence[dict[str, Any]]) -> list[int] | None:
    """SQLite: insert these rows (every row has the same keys) and give their ids, in the
    order of the rows; None (nothing written) where a column does not bind plainly, or
    elsewhere than on SQLite.

    What SQLAlchemy does with an INSERT … RETURNING sorted by the parameters' order on
    SQLite (which cannot promise the order of a multi-row RETURNING): one INSERT per row,
    each id the row's own (`lastrowid`), but on the driver's cursor with the values bound as
    _lite_rows binds them (bytes as they are), not through its processing of every value.
    A column left out gets its scalar default, as the expression language would add it."""
    if connection.dialect.name != "sqlite" or not rows:
        return None if rows else []
    names = tuple(rows[0])
    kinds = [_lite_kind(table.c[n].type) or
             ("plain" if isinstance(table.c[n].type, LargeBinary) else None) for n in names]
    defaults = {}
    for column in table.columns:
        if column.name in names or column.default is None:
            continue
        if column.primary_key and column.autoincrement or not column.default.is_scalar:
            return None  # a default the expression language computes per row
        defaults[column.name] = column.default.arg
    if None in kinds:
        return None
    convert = [_LITE[k] for k in kinds]
    every = (*names, *defaults)
    columns = ", ".join(f'"{n}"' for n in every)
    statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(every))})'
    tail = tuple(defaults.values())
    cursor = connection.connection.driver_connection.cursor()
    ids = []
    values: tuple = ()
    try:
        for row in rows:
            values = (*(f(row[n]) for f, n in zip(convert, names, strict=True)), *tail)
            cursor.execute(statement, values)
            ids.append(cursor.lastrowid)
    except sqlite3.Error as exc:  # as SQLAlchemy would raise it (IntegrityError, …)
        raise DBAPIError.instance(statement, values, exc, sqlite3.Error) from exc
    finally:
        cursor.close()
    return ids


def _copied(connection: Connection, table: Table, names: Sequence[str],
            rows: Sequence[dict[str, Any]]) -> bool:
    """PostgreSQL: new rows by COPY, in the order given, when every column binds as
    _lite_kind says (else False, nothing written). The values are those the JSON document
    would carry: times as ISO text with their offset (naive ones refused), JSON columns as the
    document would write them, so the rows stored are the same; a float that is not finite
    (JSON null in the document) leaves it to the document. A third of the server's time of
    json_to_recordset's INSERT, and no statement to plan."""
    kinds = [_lite_kind(table.c[n].type) for n in names]
    if None in kinds or any(isinstance(row[n], float) and not math.isfinite(row[n])
                            for row in rows for n in names):
        return False
    convert = [_COPY[k] for k in kinds]
    columns = ", ".join(f'"{n}"' for n in names)
    with (connection.connection.driver_connection.cursor() as cursor,
          cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy):
        for row in rows:
            copy.write_row([f(row[n]) for f, n in zip(convert, names, strict=True)])
    return True


def _copy_json(value: Any) -> str:
    try:
        return orjson.dumps(value, default=_time, option=_ORJSON).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, default=_time, ensure_ascii=False, separators=(",", ":"))


def update_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
                key: str = "id") -> None:
    """Set each row's columns on the row of the table whose `key` is the row's (every row
    has the same keys; one row per key)."""
    if not rows:
        return
    names = tuple(rows[0])
    values = [n for n in names if n != key]
    if connection.dialect.name == "sqlite" and _plain(table, names, "onupdate"):
        sets = ", ".join(f'"{n}" = ?' for n in values)
        connection.exec_driver_sql(f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = ?',
                                   _lite_rows(table, (*values, key), rows))
        return
    if connection.dialect.name != "postgresql" or _json_none(table, names, rows):
        statement = _statement(
            ("update", table.name, names, key),
            lambda: update(table).where(table.c[key] == bindparam(f"b_{key}"))
            .values({n: bindparam(f"b_{n}") for n in values}))
        connection.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    sets = ", ".join(f'"{n}" = v."{n}"' for n in values)
    statement = _statement(
        ("pg-update", table.name, names, key),
        lambda: text(f'UPDATE "{table.name}" AS t SET {sets} FROM '
                     f"json_to_recordset(CAST(:rows AS json)) AS v({_fields(table, names)}) "
                     f'WHERE t."{key}" = v."{key}"'))
    connection.execute(statement, {"rows": _document(table, names, rows)})


def _plain(table: Table, names: Sequence[str], default: str) -> bool:
    """SQLite: whether these columns bind as _lite_rows binds them (integers, floats, text,
    UTCDateTime, JSON) and the columns left out have no Python-side `default` (or onupdate)
    the expression language would add: then an executemany of the text, without the
    expression language's processing of every value."""
    kinds = [_lite_kind(table.c[n].type) for n in names]
    return None not in kinds and not any(
        getattr(c, default) is not None and not (c.primary_key and c.autoincrement)
        for c in table.columns if c.name not in names)


def _lite_kind(type_: Any) -> str | None:
    if isinstance(type_, UTCDateTime):
        return "time"
    if isinstance(type_, JSON):
        return "json"
    if isinstance(type_, Integer | Float | String) and not isinstance(type_, Enum):
        return "plain"
    return None


def _lite_rows(table: Table, names: Sequence[str], rows: Sequence[dict[str, Any]]) -> list:
    """The rows' values as SQLAlchemy binds them on SQLite: times in UTC without the offset
    (naive ones refused), JSON as json.dumps makes it (None as null)."""
    kinds = [_lite_kind(table.c[n].type) for n in names]
    get = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    converted = [(i, _LITE[k]) for i, k in enumerate(kinds) if k != "plain"]
    if not converted:
        return [get(row) for row in rows]
    out = []
    for row in rows:  # only the times and JSON converted, the rest taken as they are
        values = list(get(row))
        for i, convert in converted:
            values[i] = convert(values[i])
        out.append(tuple(values))
    return out


def sqlite_time(value: datetime | None) -> str | None:
    """An aware time as SQLAlchemy stores a DateTime on SQLite (UTC, without the offset)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: the hub stores aware UTC times only")
    # SQLAlchemy's text of a DateTime on SQLite: the year in four digits, microseconds always
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


_LITE = {"plain": lambda v: v, "time": sqlite_time, "json": json.dumps}
_COPY = {"plain": lambda v: v, "time": lambda v: _time(v) if isinstance(v, datetime) else v,
         "json": _copy_json}


def _statement(key: tuple, build: Callable[[], Any]) -> Any:
    """The statement made for `key` (by `build`, the first time)."""
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    return statement


def _insert(table: Table, conflict: Sequence[str], replace: Sequence[str], dialect: str) -> Any:
    if not conflict:
        return insert(table)
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    if not replace:
        return statement.on_conflict_do_nothing(index_elements=list(conflict))
    return statement.on_conflict_do_update(
        index_elements=list(conflict), set_={n: statement.excluded[n] for n in replace})


def _on_conflict(conflict: Sequence[str], replace: Sequence[str]) -> str:
    if not conflict:
        return ""
    target = ", ".join(f'"{n}"' for n in conflict)
    if not replace:
        return f" ON CONFLICT ({target}) DO NOTHING"
    sets = ", ".join(f'"{n}" = excluded."{n}"' for n in replace)
    return f" ON CONFLICT ({target}) DO UPDATE SET {sets}"


def _fields(table: Table, names: Sequence[str]) -> str:
    return ", ".join(f'"{n}" {_pg_type(table, n)}' for n in names)


def _pg_type(table: Table, name: str) -> str:
    type_ = table.c[name].type
    if isinstance(type_, JSON):
        return "jsonb"
    if isinstance(type_, String):
        return "text"  # not varchar(n): a cast would cut a long value where the column refuses it
    return type_.compile(dialect=_PG)


def _json_none(table: Table, names: Sequence[str], rows: Sequence[dict[str, Any]]) -> bool:
    """Whether a JSON column has None somewhere (JSON null, not the SQL NULL a record gives)."""
    return any(row[n] is None for n in names if isinstance(table.c[n].type, JSON)
               for row in rows)


def _document(table: Table, names: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """The rows as one JSON array of objects (only the named keys)."""
    if any(len(row) != len(names) for row in rows):
        rows = [{n: row[n] for n in names} for row in rows]
    try:  # orjson: the same document, 2.5 times faster; datetimes still checked by _time
        return orjson.dumps(rows, default=_time, option=_ORJSON).decode()
    except orjson.JSONEncodeError:  # what orjson refuses (an int beyond 64 bits) json may not
        return json.dumps(rows, default=_time, ensure_ascii=False, separators=(",", ":"))


_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _time(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: the hub stores aware UTC times only")
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")
