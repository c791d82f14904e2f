"""The search index beside `clues` (one row per clue).

PostgreSQL: two tables of index rows with a GIN index each, which never hold the same clue
(0013_search_split): `clue_search_pending(clue_id, received_at, terms)` the rows of the clues
waiting for review, so that a search of the queue reads a tenth of the index at 1 M clues,
and `clue_search(clue_id, terms tsvector)` the rows of every other clue; a search of every
status reads both. `store` writes a row to the table of its clue's status now, a trigger on
the clues' status moves it when the status enters or leaves pending_review (0010_bench); the
pipeline moves a batch's rows in one statement instead (`batch_written`,
0011_pending_writer). The terms are stored without positions, so they carry no weight: every
match ranks the same, and matches come newest first. SQLite: the FTS5 virtual table `clue_fts(title, body)` whose rowid
is the clue's id (created by the migration; FTS5 has no place in SQLAlchemy's metadata),
ranked by bm25 with the title weighing four times the rest.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, Table
from sqlalchemy.dialects.postgresql import TSVECTOR

# Outside the models' metadata: each backend has its own table (the migration makes them),
# and the schema comparison leaves both alone (INDEX_TABLES).
search_metadata = MetaData()
clue_search = Table(
    "clue_search", search_metadata,
    Column("clue_id", Integer, primary_key=True),
    Column("terms", TSVECTOR, nullable=False),
)
clue_search_pending = Table(
    "clue_search_pending", search_metadata,
    Column("clue_id", Integer, primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("terms", TSVECTOR, nullable=False),
)
FTS_TABLE = "clue_fts"


def is_index_table(name: str | None) -> bool:
    """The search index's tables (and FTS5's shadow tables), which no model describes."""
    return bool(name) and (name.startswith("clue_search") or name.startswith(FTS_TABLE))
