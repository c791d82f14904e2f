"""office users, sessions, decisions; queue order by priority

Revision ID: 0006_office
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0006_office"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_users")),
        sa.UniqueConstraint("username", name=op.f("uq_office_users_username")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", hub.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["office_users.id"],
                                name=op.f("fk_web_sessions_user_id_office_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("bulk_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_decisions_clue_id_clues")),
        sa.ForeignKeyConstraint(["decided_by"], ["office_users.id"],
                                name=op.f("fk_decisions_decided_by_office_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_clue_id"), "decisions", ["clue_id"])
    with op.batch_alter_table("clues") as batch:
        batch.add_column(sa.Column("priority", sa.SmallInteger(), server_default="0",
                                   nullable=False))
    op.create_index("ix_clues_queue_priority", "clues", ["status", "priority", "received_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_clues_queue_priority", table_name="clues")
    with op.batch_alter_table("clues") as batch:
        batch.drop_column("priority")
    op.drop_table("decisions")
    op.drop_table("web_sessions")
    op.drop_table("office_users")
