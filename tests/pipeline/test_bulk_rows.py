"""Many rows in one statement (hub.db.bulk): the rows, values and order an executemany gives,
on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Float, Integer, LargeBinary, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError

from hub.db.bulk import insert_ids, insert_rows, update_rows
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


IDS = Table("bulk_probe_ids", MetaData(), Column("id", Integer, primary_key=True),
            Column("key", Integer, unique=True), Column("doc", JSONType),
            Column("at", UTCDateTime), Column("blob", LargeBinary),
            Column("kind", String(8), default="plain"))
IDS_EXPR = Table("bulk_probe_ids_expr", MetaData(), *[c._copy() for c in IDS.columns])


def test_ids_of_new_rows_in_order_and_the_stored_text_the_expression_language_stores(hub):
    """SQLite: insert_ids gives each row's id in the order of the rows, and what it stores is
    what SQLAlchemy's INSERT … RETURNING stores (the text of times, JSON null, bytes, a
    column's default); elsewhere it leaves the rows to the caller."""
    at = datetime(2026, 12, 7, 23, 59, 59, 5, tzinfo=timezone(timedelta(hours=8)))
    rows = [{"key": k, "doc": doc, "at": when, "blob": blob} for k, doc, when, blob in [
        (5, {"违法": [1, 0.5, None]}, at, b"\x00\xff"),
        (2, None, datetime(5, 1, 2, 3, 4, 5, tzinfo=UTC), None),
        (9, [], at + timedelta(days=400), b"")]]
    IDS.create(hub.engine)
    IDS_EXPR.create(hub.engine)
    try:
        with hub.engine.begin() as conn:
            ids = insert_ids(conn, IDS, rows)
            if hub.engine.dialect.name != "sqlite":
                assert ids is None
                return
            expected = list(conn.execute(IDS_EXPR.insert().returning(
                IDS_EXPR.c.id, sort_by_parameter_order=True), rows).scalars())
        assert ids == expected == [1, 2, 3]
        with hub.engine.connect() as conn:
            stored, plain = (conn.exec_driver_sql(
                f"SELECT id, key, doc, at, blob, kind FROM {t.name} ORDER BY id").all()
                for t in (IDS, IDS_EXPR))
        assert stored == plain
        assert stored[1][2:4] == ("null", "0005-01-02 03:04:05.000000")
        with pytest.raises(IntegrityError), hub.engine.begin() as conn:
            insert_ids(conn, IDS, rows[:1])
    finally:
        IDS.drop(hub.engine)
        IDS_EXPR.drop(hub.engine)
