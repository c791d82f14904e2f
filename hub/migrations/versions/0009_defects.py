"""audit heads carry the hashes they vouch for (the span since the previous head)

Revision ID: 0009_defects
Revises: 0008_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_defects"
down_revision = "0008_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_heads") as batch:
        batch.add_column(sa.Column("span_start", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("span", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_heads") as batch:
        batch.drop_column("span")
        batch.drop_column("span_start")
