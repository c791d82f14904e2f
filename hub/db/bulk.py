"""Many rows in one statement: on PostgreSQL each column travels as one array and the rows
come out of `unnest`, so a batch costs one statement whatever its size (one plan, prepared
once by the driver); elsewhere (SQLite) the same rows go as an executemany.

The values are what the columns' types would bind: aware datetimes through the column's own
type (UTC), JSON serialized as the engine does (json.dumps) and cast to jsonb, None as SQL
NULL (JSON columns: JSON null, as SQLAlchemy binds None for them). Rows are inserted in the
order given (their ids follow it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    String,
    Table,
    TypeDecorator,
    bindparam,
    insert,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

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
    if connection.dialect.name != "postgresql":
        key = ("insert", connection.dialect.name, table.name, names, tuple(conflict),
               tuple(replace))
        statement = _STATEMENTS.get(key)
        if statement is None:
            statement = _insert(table, conflict, replace, connection.dialect.name)
            _STATEMENTS[key] = statement
        connection.execute(statement, list(rows))
        return
    key = ("pg-insert", table.name, names, tuple(conflict), tuple(replace))
    statement = _STATEMENTS.get(key)
    if statement is None:
        columns = ", ".join(f'"{n}"' for n in names)
        statement = text(
            f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM '
            f"unnest({_arrays(table, names)}) WITH ORDINALITY AS v({columns}, _n) ORDER BY _n"
            + _on_conflict(conflict, replace))
        _STATEMENTS[key] = statement
    connection.execute(statement, _columns(table, names, rows))


def update_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
                key: str = "id") -> None:
    """Set each row's columns on the row of the table whose `key` is the row's (every row
    has the same keys; one row per key)."""
    if not rows:
        return
    names = tuple(rows[0])
    values = [n for n in names if n != key]
    if connection.dialect.name != "postgresql":
        cache = ("update", table.name, names, key)
        statement = _STATEMENTS.get(cache)
        if statement is None:
            statement = (update(table).where(table.c[key] == bindparam(f"b_{key}"))
                         .values({n: bindparam(f"b_{n}") for n in values}))
            _STATEMENTS[cache] = statement
        connection.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    cache = ("pg-update", table.name, names, key)
    statement = _STATEMENTS.get(cache)
    if statement is None:
        columns = ", ".join(f'"{n}"' for n in names)
        sets = ", ".join(f'"{n}" = v."{n}"' for n in values)
        statement = text(f'UPDATE "{table.name}" AS t SET {sets} FROM '
                         f"unnest({_arrays(table, names)}) AS v({columns}) "
                         f'WHERE t."{key}" = v."{key}"')
        _STATEMENTS[cache] = statement
    connection.execute(statement, _columns(table, names, rows))


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


def _arrays(table: Table, names: Sequence[str]) -> str:
    return ", ".join(f"CAST(:{n} AS {_pg_type(table, n)}[])" for n in names)


def _pg_type(table: Table, name: str) -> str:
    type_ = table.c[name].type
    if isinstance(type_, JSON):
        return "jsonb"
    if isinstance(type_, String):
        return "text"  # not varchar(n): a cast would cut a long value where the column refuses it
    return type_.compile(dialect=_PG)


def _columns(table: Table, names: Sequence[str], rows: Sequence[dict[str, Any]]) -> dict:
    """One list per column, each value as the column's type binds it on PostgreSQL."""
    out = {}
    for name in names:
        convert = _converter(table.c[name].type)
        values = [row[name] for row in rows]
        out[name] = values if convert is None else [convert(v) for v in values]
    return out


def _converter(type_: Any) -> Callable[[Any], Any] | None:
    if isinstance(type_, JSON):
        return json.dumps  # None → 'null', as SQLAlchemy binds None to a JSON column
    if isinstance(type_, TypeDecorator):
        return lambda v: type_.process_bind_param(v, _PG)
    return None
