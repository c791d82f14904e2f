"""Many rows in one statement (hub.db.bulk): the rows, values and order an executemany gives,
on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, select

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


OTHER = Table("bulk_probe_plain", MetaData(), *[c._copy() for c in PROBE.columns])


def test_new_rows_store_what_an_executemany_stores(hub):
    """On PostgreSQL new rows go by COPY: text with tabs, new lines, backslashes and quotes,
    times with an offset, JSON with keys that are not strings, NULLs store what SQLAlchemy's
    own executemany stores."""
    at = datetime(2026, 12, 7, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-3)))
    rows = [
        {"key": 1, "name": "a\tb\nc\\d", "doc": {1: "一", "x": [None, 1.5, True, "\t"]},
         "at": at},
        {"key": 2, "name": None, "doc": "就是文本\\N", "at": at + timedelta(days=400)},
        {"key": 3, "name": "'\"\r", "doc": {"n": -0.0, "e": 1e-300, "big": 2**62}, "at": at},
    ]
    texts = [{**row, "doc": {str(k): v for k, v in row["doc"].items()}}
             if isinstance(row["doc"], dict) else row for row in rows]
    PROBE.create(hub.engine)
    OTHER.create(hub.engine)
    try:
        with hub.engine.begin() as conn:
            insert_rows(conn, PROBE, rows)
            conn.execute(OTHER.insert(), texts)
        with hub.engine.connect() as conn:
            copied = [tuple(r) for r in conn.execute(select(PROBE).order_by(PROBE.c.id))]
            plain = [tuple(r) for r in conn.execute(select(OTHER).order_by(OTHER.c.id))]
        assert copied == plain
        assert [r[1] for r in copied] == [1, 2, 3]
    finally:
        PROBE.drop(hub.engine)
        OTHER.drop(hub.engine)


def test_a_float_that_is_not_finite_is_stored_as_the_document_stores_it(hub):
    probe = Table("bulk_probe_float", MetaData(), Column("id", Integer, primary_key=True),
                  Column("score", Float))
    probe.create(hub.engine)
    try:
        with hub.engine.begin() as conn:
            insert_rows(conn, probe, [{"score": 0.5}, {"score": float("nan")}])
        with hub.engine.connect() as conn:
            scores = [r[0] for r in conn.execute(select(probe.c.score).order_by(probe.c.id))]
        assert scores[0] == 0.5
        # The JSON document (and so the stored row) has null for NaN; SQLite stores NULL too.
        assert scores[1] is None
    finally:
        probe.drop(hub.engine)
