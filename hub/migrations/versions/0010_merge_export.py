"""merging duplicates (the merged clue points at the one that survives it) and reviewers'
saved filters of the queue, the clue list and the hand-off list

Revision ID: 0010_merge_export
Revises: 0009_workbench_desk
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0010_merge_export"
down_revision = "0009_workbench_desk"
branch_labels = None
depends_on = None
T = hub.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clue_merges",
        sa.Column("clue_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("into_clue_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("lead_decision_id", sa.Integer(), nullable=True),
        sa.Column("merged_by", sa.Integer(), nullable=False),
        sa.Column("merged_at", T, nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_clue_merges_clue_id_clues")),
        sa.ForeignKeyConstraint(["into_clue_id"], ["clues.id"],
                                name=op.f("fk_clue_merges_into_clue_id_clues")),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"],
                                name=op.f("fk_clue_merges_decision_id_decisions")),
        sa.ForeignKeyConstraint(["lead_decision_id"], ["decisions.id"],
                                name=op.f("fk_clue_merges_lead_decision_id_decisions")),
        sa.ForeignKeyConstraint(["merged_by"], ["office_users.id"],
                                name=op.f("fk_clue_merges_merged_by_office_users")),
        sa.PrimaryKeyConstraint("clue_id", name=op.f("pk_clue_merges")),
    )
    op.create_index("ix_clue_merges_into_clue_id", "clue_merges", ["into_clue_id"])
    op.create_table(
        "saved_filters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("params", hub.db.types.JSONType, nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["office_users.id"],
                                name=op.f("fk_saved_filters_user_id_office_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filters")),
        sa.UniqueConstraint("user_id", "scope", "name", name="uq_saved_filters_user_scope_name"),
    )


def downgrade() -> None:
    op.drop_table("saved_filters")
    op.drop_index("ix_clue_merges_into_clue_id", table_name="clue_merges")
    op.drop_table("clue_merges")
