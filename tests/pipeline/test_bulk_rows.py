"""Many rows in one statement (hub.db.bulk): the rows, values and order an executemany gives,
on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, String, Table, select

from hub.db.bulk import insert_rows, update_rows
from hub.db.types import JSONType, UTCDateTime

PROBE = Table("bulk_probe", MetaData(), Column("id", Integer, primary_key=True),
              Column("key", Integer, unique=True), Column("name", String(8)),
              Column("doc", JSONType), Column("at", UTCDateTime))


def _rows(hub):
    with hub.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(PROBE).order_by(PROBE.c.id))]


def test_rows_in_order_with_their_values_replaced_on_conflict_and_updated(hub):
    at = datetime(2026, 12, 7, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    PROBE.create(hub.engine)
    try:
        with hub.engine.begin() as conn:
            insert_rows(conn, PROBE, [
                {"key": k, "name": f"n{k}", "doc": {"k": [k, 0.95, "违法"], "s": "a\"b\\c"},
                 "at": at} for k in (3, 1, 2)])
            insert_rows(conn, PROBE, [{"key": 1, "name": "again", "doc": [], "at": at}],
                        conflict=["key"], replace=["name", "doc"])
            insert_rows(conn, PROBE, [{"key": 2, "name": "skipped", "doc": {}, "at": at}],
                        conflict=["key"])
            update_rows(conn, PROBE, [{"id": 3, "name": "third", "doc": None}])
        doc = {"k": [3, 0.95, "违法"], "s": "a\"b\\c"}
        assert _rows(hub) == [
            (1, 3, "n3", doc, at.astimezone(UTC)),
            (2, 1, "again", [], at.astimezone(UTC)),
            (3, 2, "third", None, at.astimezone(UTC)),
        ]
    finally:
        PROBE.drop(hub.engine)
