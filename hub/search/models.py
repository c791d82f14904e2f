"""The search index beside `clues` (one row per clue).

PostgreSQL: `clue_search(clue_id, terms tsvector)` with a GIN index; the title's terms carry
weight A, the rest D (ts_rank ranks title hits first). SQLite: the FTS5 virtual table
`clue_fts(title, body)` whose rowid is the clue's id (created by the migration; FTS5 has no
place in SQLAlchemy's metadata).
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table
from sqlalchemy.dialects.postgresql import TSVECTOR

# Outside the models' metadata: each backend has its own table (the migration makes them),
# and the schema comparison leaves both alone (INDEX_TABLES).
search_metadata = MetaData()
clue_search = Table(
    "clue_search", search_metadata,
    Column("clue_id", Integer, primary_key=True),
    Column("terms", TSVECTOR, nullable=False),
)
FTS_TABLE = "clue_fts"


def is_index_table(name: str | None) -> bool:
    """The search index's tables (and FTS5's shadow tables), which no model describes."""
    return bool(name) and (name == "clue_search" or name.startswith(FTS_TABLE))
