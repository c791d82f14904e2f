"""correlate_batches: the order in which batches were linked (optimistic linking)

Revision ID: 0009_throughput
Revises: 0004_correlate
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.db.types

revision = "0009_throughput"
down_revision = "0004_correlate"
branch_labels = None
depends_on = None

T = hub.db.types.UTCDateTime(timezone=True)
J = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "correlate_batches",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entries", J, nullable=False),
        sa.Column("linked_at", T, nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )


def downgrade() -> None:
    op.drop_table("correlate_batches")
