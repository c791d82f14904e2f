"""All SQL of the search index: keeping it in step with clues, and matching a query.

`index_clues` is called in the transaction that writes a clue's text (the normalize stage,
retention's redaction, `hub search rebuild`), so the index never lags behind a commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Float, Integer, Select, String, bindparam, cast, func, literal, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from hub.db.models import Clue
from hub.search.models import FTS_TABLE, clue_search
from hub.search.terms import index_terms, query_terms

BATCH = 500


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
    rest = [t for t in index_terms(content, " ".join(_strings(subjects)),
                                   " ".join(_strings(references))) if t not in set(head)]
    return " ".join(head), " ".join(rest)


def index_clues(session: Session, clue_ids: Iterable[int]) -> int:
    """Write (or rewrite) the index rows of these clues from what the clues table holds now."""
    ids = sorted(set(clue_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rows = session.execute(select(Clue.id, Clue.title, Clue.content, Clue.subjects,
                                      Clue.references).where(Clue.id.in_(chunk))).all()
        store(session, [(r.id, *terms_of(r.title, r.content, r.subjects, r.references))
                        for r in rows])
    return len(ids)


def store(session: Session, rows: list[tuple[int, str, str]]) -> None:
    """Upsert (clue id, title terms, other terms) rows."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(
            "INSERT INTO clue_search (clue_id, terms) VALUES (:id, "
            "setweight(array_to_tsvector(string_to_array(:h, ' ')), 'A') || "
            "array_to_tsvector(string_to_array(:r, ' '))) "
            "ON CONFLICT (clue_id) DO UPDATE SET terms = excluded.terms"),
            [{"id": i, "h": h, "r": r} for i, h, r in rows])
        return
    session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"),
                    [{"id": i} for i, _, _ in rows])
    session.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (:id, :h, :r)"),
                    [{"id": i, "h": h, "r": r} for i, h, r in rows])


def matches(session: Session, query: str, ranked: bool = True) -> Select | None:
    """A select of (clue_id, rank) for the clues matching `query` (higher rank is better;
    0 for all when not `ranked`: a count needs no rank), or None when the query has no
    searchable term."""
    terms = query_terms(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "postgresql":
        # Built as a tsquery literal, never through a parser: each term is one lexeme.
        q = cast(bindparam("tsq", " & ".join(f"'{t}'" for t in terms), type_=String()), TSQUERY)
        rank = func.ts_rank(clue_search.c.terms, q) if ranked else literal(0.0)
        return (select(clue_search.c.clue_id.label("clue_id"), rank.label("rank"))
                .where(clue_search.c.terms.op("@@")(q)))
    expression = " ".join(f'"{t}"' for t in terms)
    rank = f"-bm25({FTS_TABLE}, 4.0, 1.0)" if ranked else "0.0"
    fts = text(f"SELECT rowid AS clue_id, {rank} AS rank "
               f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :expr").bindparams(expr=expression)
    sub = fts.columns(clue_id=Integer(), rank=Float()).subquery()
    return select(sub.c.clue_id, sub.c.rank)


def rebuild(session: Session, batch: int = 5000) -> int:
    """Index every clue again (after a restore, or to fill the index of an old database)."""
    done, last = 0, 0
    while True:
        ids = list(session.scalars(select(Clue.id).where(Clue.id > last).order_by(Clue.id)
                                   .limit(batch)))
        if not ids:
            return done
        done += index_clues(session, ids)
        last = ids[-1]
