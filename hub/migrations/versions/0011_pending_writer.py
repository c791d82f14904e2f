"""the queue's search rows written by the pipeline for a whole batch: the status trigger of
0010_bench stands aside while a writer says it keeps clue_search_pending itself

Revision ID: 0011_pending_writer
Revises: 0010_bench
"""

from alembic import op

revision = "0011_pending_writer"
down_revision = "0010_bench"
branch_labels = None
depends_on = None

# While the transaction's setting hub.search_pending_written is 'on', the writer that set it
# writes the rows of clue_search_pending for the clues it moves, in one statement after its
# update (hub.search.repository.pending_written); any other change of status keeps the
# trigger, row by row.
WHEN = ("((OLD.status = 'pending_review') IS DISTINCT FROM (NEW.status = 'pending_review')) "
        "AND current_setting('hub.search_pending_written', true) IS DISTINCT FROM 'on'")
OLD_WHEN = "(OLD.status = 'pending_review') IS DISTINCT FROM (NEW.status = 'pending_review')"


def _trigger(when: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS tr_clue_search_pending ON clues")
    op.execute("CREATE TRIGGER tr_clue_search_pending AFTER UPDATE OF status ON clues "
               f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION clue_search_pending_sync()")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _trigger(WHEN)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _trigger(OLD_WHEN)
