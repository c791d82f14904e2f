"""the queue's search at a million clues: the index rows of the clues waiting for review kept
in a table of their own (PostgreSQL), so a search of the queue reads only them

Revision ID: 0010_bench
Revises: 0009_workbench_desk
"""

from alembic import op

revision = "0010_bench"
down_revision = "0009_workbench_desk"
branch_labels = None
depends_on = None

# A clue's row is here exactly while its index row exists and its status is pending_review:
# written by hub.search.repository.store with the index row, and by this trigger whenever a
# clue's status enters or leaves pending_review, in the transaction that changes it.
SYNC = """
CREATE FUNCTION clue_search_pending_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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
        return  # SQLite: the FTS5 table joined with the queue's index serves the queue's size
    op.execute("CREATE TABLE clue_search_pending (clue_id integer PRIMARY KEY "
               "REFERENCES clues(id) ON DELETE CASCADE, received_at timestamptz NOT NULL, "
               "terms tsvector NOT NULL)")
    op.execute("INSERT INTO clue_search_pending (clue_id, received_at, terms) "
               "SELECT s.clue_id, c.received_at, s.terms FROM clue_search s "
               "JOIN clues c ON c.id = s.clue_id WHERE c.status = 'pending_review'")
    op.execute("CREATE INDEX ix_clue_search_pending_terms ON clue_search_pending USING gin (terms)")
    # A word in most pending clues is paged newest first along this index, stopping at a page.
    op.execute("CREATE INDEX ix_clue_search_pending_received ON clue_search_pending "
               "(received_at, clue_id)")
    op.execute(SYNC)
    op.execute("CREATE TRIGGER tr_clue_search_pending AFTER UPDATE OF status ON clues "
               "FOR EACH ROW WHEN ((OLD.status = 'pending_review') IS DISTINCT FROM "
               "(NEW.status = 'pending_review')) EXECUTE FUNCTION clue_search_pending_sync()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS tr_clue_search_pending ON clues")
    op.execute("DROP FUNCTION IF EXISTS clue_search_pending_sync()")
    op.execute("DROP TABLE IF EXISTS clue_search_pending")
