"""the search index in two tables that never hold the same clue (PostgreSQL): a clue's row is
in clue_search_pending while the clue waits for review, in clue_search otherwise, so a clue
entering the queue costs one GIN insert, not two (clue_search held every clue before, the
queue's table a copy of the waiting ones); a search of every status reads both tables

Revision ID: 0013_search_split
Revises: 0012_clue_indexes
"""

from alembic import op

revision = "0013_search_split"
down_revision = "0012_clue_indexes"
branch_labels = None
depends_on = None

# The trigger of 0010_bench (still standing aside for a writer that keeps the tables itself,
# 0011_pending_writer) now moves the row from one table to the other.
MOVE = """
CREATE OR REPLACE FUNCTION clue_search_pending_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'pending_review' THEN
    WITH moved AS (DELETE FROM clue_search WHERE clue_id = NEW.id RETURNING clue_id, terms)
    INSERT INTO clue_search_pending (clue_id, received_at, terms)
      SELECT clue_id, NEW.received_at, terms FROM moved
      ON CONFLICT (clue_id) DO UPDATE SET received_at = excluded.received_at,
                                          terms = excluded.terms;
  ELSE
    WITH moved AS (DELETE FROM clue_search_pending WHERE clue_id = NEW.id
                   RETURNING clue_id, terms)
    INSERT INTO clue_search (clue_id, terms) SELECT clue_id, terms FROM moved
      ON CONFLICT (clue_id) DO UPDATE SET terms = excluded.terms;
  END IF;
  RETURN NULL;
END $$
"""

# 0010_bench's function: the queue's table a copy of the waiting clues' rows.
COPY = """
CREATE OR REPLACE FUNCTION clue_search_pending_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'pending_review' THEN
    INSERT INTO clue_search_pending (clue_id, received_at, terms)
      SELECT s.clue_id, NEW.received_at, s.terms FROM clue_search s WHERE s.clue_id = NEW.id
      ON CONFLICT (clue_id) DO UPDATE SET received_at = excluded.received_at,
                                          terms = excluded.terms;
  ELSE
    DELETE FROM clue_search_pending WHERE clue_id = NEW.id;
  END IF;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: one FTS5 table
    # The waiting clues' rows are in the queue's table already (0010_bench keeps them there);
    # one that is not is copied first, then clue_search keeps only the others.
    op.execute("INSERT INTO clue_search_pending (clue_id, received_at, terms) "
               "SELECT s.clue_id, c.received_at, s.terms FROM clue_search s "
               "JOIN clues c ON c.id = s.clue_id WHERE c.status = 'pending_review' "
               "ON CONFLICT (clue_id) DO NOTHING")
    op.execute("DELETE FROM clue_search s USING clues c "
               "WHERE c.id = s.clue_id AND c.status = 'pending_review'")
    op.execute(MOVE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("INSERT INTO clue_search (clue_id, terms) "
               "SELECT clue_id, terms FROM clue_search_pending ON CONFLICT (clue_id) DO NOTHING")
    op.execute(COPY)
