"""Storing a Han run's pairs and its last character (a one-character query matched by
prefix) finds exactly the clues that storing every character and every pair found (a
one-character query matched whole), for any text and any query; and rows stored the old way
are still found. Checked over the terms (both backends' matching emulated) and on SQLite's
FTS5 itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from hub.search import repository
from hub.search.terms import _GROUPS, _normalized, is_prefix, query_terms

# A few Han characters (so that pieces repeat and queries hit), Latin, digits, punctuation,
# full-width letters, digits and punctuation, spaces.
ALPHABET = "罚款拆迁补偿执行局号罚款罚" + "aBxZ" + "0129" + " ，。、()〔〕-" + "ＡＢｘ１２（）　"
TEXT = st.text(st.sampled_from(ALPHABET), max_size=30)
CLUE = st.tuples(TEXT, TEXT, TEXT)  # title, content, a subject's name


def _old_terms(*texts: str | None) -> set[str]:
    """What the index stored before: every character and every pair of a Han run."""
    terms: set[str] = set()
    for piece in texts:
        for han, other in _GROUPS.findall(_normalized(piece or "")):
            terms |= {other} if other else set(han) | {han[i:i + 2] for i in range(len(han) - 1)}
    return terms


def _stored(title: str, content: str, subject: str) -> set[str]:
    head, rest = repository.terms_of(title, content, [{"name": subject}], None)
    return set(head.split()) | set(rest.split())


def _matched_before(stored: set[str], terms: list[str]) -> bool:
    return all(t in stored for t in terms)


def _matched_now(stored: set[str], terms: list[str]) -> bool:
    """Every query term whole, a one-Han-character term by prefix ('c':* / "c"*)."""
    return all(any(s.startswith(t) for s in stored) if is_prefix(t) else t in stored
               for t in terms)


@given(st.lists(CLUE, min_size=1, max_size=6), st.lists(TEXT, min_size=1, max_size=5), st.data())
def test_every_query_matches_the_same_clues(clues, queries, data):
    pieces = [p for clue in clues for p in clue if p]
    if pieces:  # a piece of a clue's text as well: a query that finds something
        piece = data.draw(st.sampled_from(pieces))
        start = data.draw(st.integers(0, len(piece) - 1))
        queries.append(piece[start:data.draw(st.integers(start + 1, len(piece)))])
    before = [_old_terms(*clue) for clue in clues]
    now = [_stored(*clue) for clue in clues]
    for query in queries:
        terms = query_terms(query)
        expected = [_matched_before(s, terms) for s in before]
        assert [_matched_now(s, terms) for s in now] == expected
        assert [_matched_now(s, terms) for s in before] == expected  # rows stored before


def _fts5() -> Session:
    """An in-memory FTS5 table made as migration 0009_workbench_desk makes it."""
    session = Session(create_engine("sqlite://"))
    session.execute(text("CREATE VIRTUAL TABLE clue_fts USING fts5(title, body, "
                         "tokenize = 'unicode61 remove_diacritics 0')"))
    return session


def _fts5_found(session: Session, rows: list[tuple[int, str, str]], query: str) -> list[int]:
    session.execute(text("DELETE FROM clue_fts"))
    repository.store(session, rows)
    found = repository.matches(session, query)
    return sorted(session.scalars(found.with_only_columns(found.selected_columns.clue_id)))


@given(st.lists(CLUE, min_size=1, max_size=6), st.lists(TEXT, min_size=1, max_size=4))
def test_fts5_finds_the_same_clues_as_with_the_old_terms(clues, queries):
    session = _fts5()
    new = [(i, *repository.terms_of(t, c, [{"name": s}], None))
           for i, (t, c, s) in enumerate(clues, 1)]
    old = [(i, " ".join(sorted(_old_terms(t))), " ".join(sorted(_old_terms(c, s))))
           for i, (t, c, s) in enumerate(clues, 1)]
    for query in queries + ["罚", "款", "局", "号 罚"]:
        if not query_terms(query):
            continue
        expected = [i for i, clue in enumerate(clues, 1)
                    if _matched_before(_old_terms(*clue), query_terms(query))]
        assert _fts5_found(session, new, query) == expected
        assert _fts5_found(session, old, query) == expected  # an index written before
