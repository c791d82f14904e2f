"""the office's workbench: the clues' full-text index, the all-clues list's order

Revision ID: 0009_workbench_desk
Revises: 0001
"""

from alembic import op

revision = "0009_workbench_desk"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE TABLE clue_search (clue_id integer PRIMARY KEY "
                   "REFERENCES clues(id) ON DELETE CASCADE, terms tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_clue_search_terms ON clue_search USING gin (terms)")
    else:
        op.execute("CREATE VIRTUAL TABLE clue_fts USING fts5(title, body, "
                   "tokenize = 'unicode61 remove_diacritics 0')")
    op.create_index("ix_clues_received_id", "clues", ["received_at", "id"])
    # Clues already stored join the index (a large database can run `hub search rebuild`
    # instead, later: the index only adds to what LIKE found before).
    from sqlalchemy.orm import Session

    from hub.search.repository import rebuild

    rebuild(Session(bind=bind))


def downgrade() -> None:
    op.drop_index("ix_clues_received_id", table_name="clues")
    op.execute("DROP TABLE IF EXISTS clue_search")
    op.execute("DROP TABLE IF EXISTS clue_fts")
