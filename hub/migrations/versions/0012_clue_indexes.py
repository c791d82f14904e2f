"""two indexes of clues no query needs: ix_clues_region_code (region_code) is the first
column of ix_clues_region_id (region_code, id), ix_clues_received_at (received_at) the first
of ix_clues_received_id (received_at, id); every query that read them reads the composite
ones alike, and every clue written or moved on paid for two more index entries

Revision ID: 0012_clue_indexes
Revises: 0011_pending_writer, 0008_reports
"""

from alembic import op

revision = "0012_clue_indexes"
down_revision = ("0011_pending_writer", "0008_reports")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_clues_region_code", "clues")
    op.drop_index("ix_clues_received_at", "clues")


def downgrade() -> None:
    op.create_index("ix_clues_received_at", "clues", ["received_at"])
    op.create_index("ix_clues_region_code", "clues", ["region_code"])
