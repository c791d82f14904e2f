"""directory: the bodies subject units resolve to

Revision ID: 0003_directory
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0003_directory"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("aliases", hub.db.types.JSONType, nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["bodies.id"],
                                name=op.f("fk_bodies_parent_id_bodies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bodies")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_bodies_credit_code")),
        sa.UniqueConstraint("name", name=op.f("uq_bodies_name")),
    )
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bodies_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_bodies_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bodies_updated_at"))
        batch_op.drop_index(batch_op.f("ix_bodies_region_code"))
    op.drop_table("bodies")
