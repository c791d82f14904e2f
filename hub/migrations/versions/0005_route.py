"""route: rule set versions and each clue's proposal

Revision ID: 0005_route
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from hub.db.types import JSONType, UTCDateTime

revision = "0005_route"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_sets",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_rule_sets")),
    )
    op.create_table(
        "route_proposals",
        sa.Column("clue_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rule_set_version", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=True),
        sa.Column("rule_name", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("matched", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_route_proposals_clue_id_clues")),
        sa.ForeignKeyConstraint(["rule_set_version"], ["rule_sets.version"],
                                name=op.f("fk_route_proposals_rule_set_version_rule_sets")),
        sa.PrimaryKeyConstraint("clue_id", name=op.f("pk_route_proposals")),
    )
    op.create_index(op.f("ix_route_proposals_rule_id"), "route_proposals", ["rule_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_route_proposals_rule_id"), table_name="route_proposals")
    op.drop_table("route_proposals")
    op.drop_table("rule_sets")
