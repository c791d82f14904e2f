"""All SQL of the search index: keeping it in step with clues, and matching a query.

`index_clues` is called in the transaction that writes a clue's text (the normalize stage,
retention's redaction, `hub search rebuild`), so the index never lags behind a commit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hub.db.models import Clue
from hub.search.models import FTS_TABLE, clue_search, clue_search_pending
from hub.search.terms import index_terms, is_prefix, query_terms

BATCH = 500
_SAFE_TERM = re.compile(r"\w+")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def terms_of(title: str | None, content: str | None, subjects: Any, references: Any) -> tuple[str, str]:
    """(title terms, other terms), each space-joined: the row the index stores."""
    head = index_terms(title)
    seen = set(head)
    rest = [t for t in index_terms(content, " ".join(_strings(subjects)),
                                   " ".join(_strings(references))) if t not in seen]
    return " ".join(head), " ".join(rest)


_INDEXED = (Clue.id, Clue.title, Clue.content, Clue.subjects, Clue.references)


def index_clues(session: Session, clue_ids: Iterable[int]) -> int:
    """Write (or rewrite) the index rows of these clues from what the clues table holds now."""
    ids = sorted(set(clue_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rows = session.connection().execute(select(*_INDEXED).where(Clue.id.in_(chunk)))
        store(session, [(i, *terms_of(title, content, subjects, references))
                        for i, title, content, subjects, references in rows])
    return len(ids)


@contextmanager
def batch_written(session: Session, clue_ids: list[int],
                  rows: list[tuple[int, str, str]]) -> Iterator[None]:
    """Around a batch's change of status (the pipeline's): after it, the index rows
    (clue id, title terms, other terms) of the clues whose text the batch wrote, and on
    PostgreSQL the rows of the other `clue_ids` moved to the table their status now says,
    in one statement (the status trigger of 0010_bench stands aside meanwhile,
    0011_pending_writer)."""
    if (not clue_ids or session.get_bind().dialect.name != "postgresql"
            or not _has_queue_index(session)):
        yield
        store(session, rows)
        return
    session.execute(_WRITER, {"on": "on"})
    yield
    session.execute(_WRITER, {"on": "off"})
    _place(session, rows, clue_ids)


_WRITER = text("SELECT set_config('hub.search_pending_written', :on, true)")

PENDING = "pending_review"  # the queue's status, whose clues have an index table of their own

# A clue's index row is in one of two tables, by its status now (0013_search_split):
# clue_search_pending while it waits for review, clue_search otherwise. The rows given
# (:rows, their terms as _PG_STORE makes them: terms without positions carry no weight, so
# the title's and the others' are one array) are written to the table of their clue's
# status; the rows of the other clues of :ids move to it from the other table if they are
# there. One statement: a clue entering the queue costs one GIN insert (its own table's).
_PLACE = text(
    "WITH v AS MATERIALIZED (SELECT v.id, array_to_tsvector(array_cat("
    "string_to_array(v.h, ' '), string_to_array(v.r, ' '))) AS terms "
    "FROM json_to_recordset(CAST(:rows AS json)) AS v(id integer, h text, r text)), "
    "c AS MATERIALIZED (SELECT id, received_at, status = :pending AS waiting FROM clues "
    "WHERE id = ANY(:ids)), "
    "kept AS (DELETE FROM clue_search s USING c WHERE s.clue_id = c.id AND c.waiting "
    "RETURNING s.clue_id, s.terms), "
    "gone AS (DELETE FROM clue_search_pending p USING c WHERE p.clue_id = c.id "
    "AND NOT c.waiting RETURNING p.clue_id, p.terms), "
    "t AS (SELECT id AS clue_id, terms FROM v UNION ALL SELECT o.clue_id, o.terms FROM "
    "(SELECT clue_id, terms FROM kept UNION ALL SELECT clue_id, terms FROM gone) AS o "
    "WHERE NOT EXISTS (SELECT FROM v WHERE v.id = o.clue_id)), "
    "s AS (INSERT INTO clue_search (clue_id, terms) SELECT t.clue_id, t.terms FROM t "
    "JOIN c ON c.id = t.clue_id WHERE NOT c.waiting "
    "ON CONFLICT (clue_id) DO UPDATE SET terms = excluded.terms) "
    "INSERT INTO clue_search_pending (clue_id, received_at, terms) "
    "SELECT t.clue_id, c.received_at, t.terms FROM t JOIN c ON c.id = t.clue_id "
    "WHERE c.waiting ON CONFLICT (clue_id) DO UPDATE SET received_at = excluded.received_at, "
    "terms = excluded.terms")


def _place(session: Session, rows: list[tuple[int, str, str]], clue_ids: list[int]) -> None:
    session.execute(_PLACE, {
        "rows": json.dumps([{"id": i, "h": h, "r": r} for i, h, r in rows], ensure_ascii=False),
        "ids": clue_ids, "pending": PENDING})


_QUEUE_INDEX: set[str] = set()  # databases known to have clue_search_pending


_TABLES = (clue_search, clue_search_pending)  # what a search of every status reads


def _has_queue_index(session: Session) -> bool:
    """Whether clue_search_pending exists yet: migration 0009 indexes the clues of an old
    database with this code before 0010_bench makes the table (known once, then kept)."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    if key not in _QUEUE_INDEX and session.scalar(
            text("SELECT to_regclass('clue_search_pending') IS NOT NULL")):
        _QUEUE_INDEX.add(key)
    return key in _QUEUE_INDEX


def store(session: Session, rows: list[tuple[int, str, str]]) -> None:
    """Upsert (clue id, title terms, other terms) rows."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        if _has_queue_index(session):
            _place(session, rows, [i for i, _, _ in rows])
            return
        # 0009 indexing an old database: every clue in clue_search (0010 and 0013 split it).
        # Terms without positions (array_to_tsvector), so the weight set on the title's
        # terms does not stay: what is stored is every term once. One statement for the rows.
        session.execute(_PG_STORE, {"rows": json.dumps(
            [{"id": i, "h": h, "r": r} for i, h, r in rows], ensure_ascii=False)})
        return
    session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"),
                    [{"id": i} for i, _, _ in rows])
    session.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (:id, :h, :r)"),
                    [{"id": i, "h": h, "r": r} for i, h, r in rows])


_PG_STORE = text(
    "INSERT INTO clue_search (clue_id, terms) "
    "SELECT v.id, setweight(array_to_tsvector(string_to_array(v.h, ' ')), 'A') || "
    "array_to_tsvector(string_to_array(v.r, ' ')) "
    "FROM json_to_recordset(CAST(:rows AS json)) AS v(id integer, h text, r text) "
    "ON CONFLICT (clue_id) DO UPDATE SET terms = excluded.terms")


def _tsquery(terms: list[str]) -> ColumnElement:
    """The terms as a tsquery constant, each term one lexeme (never through a parser).

    Written into the statement, not bound: a bound query is planned once for every word
    after a few runs (the driver prepares it), and a plan made for a rare word reads every
    match of a word most clues hold (0.5 s at 1 M clues instead of 1 ms). A term is letters
    and digits only (hub.search.terms), checked again here before it is quoted. A one-Han-
    character term is a prefix ('罚':*): it matches the pairs the character begins and the
    character stored alone (the last of a run, or any character in a row indexed before)."""
    if not all(_SAFE_TERM.fullmatch(t) for t in terms):
        raise ValueError("search terms are letters and digits only")
    tsq = " & ".join(f"'{t}':*" if is_prefix(t) else f"'{t}'" for t in terms)
    return literal_column("'" + tsq.replace("'", "''") + "'::tsquery", type_=TSQUERY)


def matches(session: Session, query: str, ranked: bool = True,
            status: str | None = None) -> Select | None:
    """A select of (clue_id, rank) for the clues matching `query` (higher rank is better;
    0 for all when not `ranked`: a count needs no rank), or None when the query has no
    searchable term. With `status`, it may (PostgreSQL) hold only the clues of that status;
    the caller still says which status it wants."""
    terms = query_terms(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "postgresql":
        # The stored terms have no positions, hence no weights: ts_rank would give every
        # match the same value (reading each match's terms to say so), so the rank is 0 and
        # matches come newest first, as they did. The queue's clues are in their own table,
        # the others in clue_search (0013_search_split): every status reads both.
        if status:
            table = clue_search_pending if status == PENDING else clue_search
        else:  # the words' condition outside the union, so that each table's primary key
            # can still give the newest matches first (a Merge Append stopping at a page)
            table = union_all(*(select(t.c.clue_id, t.c.terms) for t in _TABLES)).subquery()
        return (select(table.c.clue_id.label("clue_id"), literal(0.0).label("rank"))
                .where(table.c.terms.op("@@")(_tsquery(terms))))
    # FTS5: a quoted string, "罚"* a prefix (no prefix index needed: the terms' b-tree is
    # read from the prefix on)
    expression = " ".join(f'"{t}"*' if is_prefix(t) else f'"{t}"' for t in terms)
    rank = f"-bm25({FTS_TABLE}, 4.0, 1.0)" if ranked else "0.0"
    fts = text(f"SELECT rowid AS clue_id, {rank} AS rank "
               f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :expr").bindparams(expr=expression)
    sub = fts.columns(clue_id=Integer(), rank=Float()).subquery()
    return select(sub.c.clue_id, sub.c.rank)


def page(session: Session, query: str, status: str | None, offset: int,
         limit: int) -> list[int] | None:
    """The ids of one page of a search narrowed by nothing but its status, in the queue's
    order, read from the index alone (only the page's clues are then read): every status
    ranked (best first, newest id among equals), or PostgreSQL's queue (newest received
    first, as the queue orders equal ranks). None where the index cannot order it alone
    (another status, or the queue on SQLite), or when the query has no searchable term."""
    terms = query_terms(query)
    if not terms:
        return None
    if status == PENDING and session.get_bind().dialect.name == "postgresql":
        t = clue_search_pending
        rows = select(t.c.clue_id).where(t.c.terms.op("@@")(_tsquery(terms))).order_by(
            t.c.received_at.desc(), t.c.clue_id.desc())
    elif status is None:
        found = matches(session, query).subquery()
        rows = select(found.c.clue_id).order_by(found.c.rank.desc(), found.c.clue_id.desc())
    else:
        return None
    return list(session.scalars(rows.offset(offset).limit(limit)))


def count(session: Session, query: str, status: str | None, cap: int) -> int | None:
    """How many clues match (at most cap + 1) when nothing but the status narrows the
    search and PostgreSQL's index alone can say (every status, or the queue: its rows go
    with their clues), else None."""
    if session.get_bind().dialect.name != "postgresql" or status not in (None, PENDING):
        return None
    found = matches(session, query, ranked=False, status=status)
    if found is None:
        return None
    # The limit written into the statement, as the terms are (`_tsquery`): with nothing
    # bound, a count run again and again is planned with its numbers each time. A bound limit
    # let PostgreSQL's generic plan, after five runs, gather every match of a one-character
    # query's pairs (罚 at 1 M clues: 45 ms p95 instead of 25–35).
    limited = found.limit(literal_column(str(int(cap) + 1), type_=Integer))
    return session.scalar(select(func.count()).select_from(limited.subquery())) or 0


def rebuild(session: Session, batch: int = 5000) -> int:
    """Index every clue again (after a restore, or to fill the index of an old database):
    each row rewritten in the table of its clue's status (store), wherever it was."""
    done, last = 0, 0
    while True:
        ids = list(session.scalars(select(Clue.id).where(Clue.id > last).order_by(Clue.id)
                                   .limit(batch)))
        if not ids:
            return done
        done += index_clues(session, ids)
        last = ids[-1]
