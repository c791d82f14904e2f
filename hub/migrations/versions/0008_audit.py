"""audit trail (entries, signed heads); reveal requests, legal holds, blind indexes, purges

Revision ID: 0008_audit
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.db.types

revision = "0008_audit"
down_revision = "0001"
branch_labels = None
depends_on = None

T = hub.db.types.UTCDateTime(timezone=True)
J = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", T, nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("before", J, nullable=True),
        sa.Column("after", J, nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"])
    op.create_index("ix_audit_entries_target", "audit_entries", ["target_kind", "target_id"])
    op.create_index(op.f("ix_audit_entries_action"), "audit_entries", ["action"])
    op.create_table(
        "audit_heads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", T, nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_heads")),
    )
    op.create_table(
        "reveal_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", T, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", T, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("expires_at", T, nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_reveal_requests_clue_id_clues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal_requests")),
    )
    op.create_index(op.f("ix_reveal_requests_clue_id"), "reveal_requests", ["clue_id"])
    op.create_index(op.f("ix_reveal_requests_requested_by"), "reveal_requests", ["requested_by"])
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", T, nullable=False),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.Column("released_at", T, nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_legal_holds_clue_id_clues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index(op.f("ix_legal_holds_clue_id"), "legal_holds", ["clue_id"])
    with op.batch_alter_table("clues") as batch:
        batch.add_column(sa.Column("reporter_phone_index", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("reporter_id_index", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_clues_reporter_phone_index"), "clues", ["reporter_phone_index"])
    op.create_index(op.f("ix_clues_reporter_id_index"), "clues", ["reporter_id_index"])
    with op.batch_alter_table("raw_records") as batch:
        batch.add_column(sa.Column("purged_at", T, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("raw_records") as batch:
        batch.drop_column("purged_at")
    op.drop_index(op.f("ix_clues_reporter_id_index"), table_name="clues")
    op.drop_index(op.f("ix_clues_reporter_phone_index"), table_name="clues")
    with op.batch_alter_table("clues") as batch:
        batch.drop_column("reporter_id_index")
        batch.drop_column("reporter_phone_index")
    op.drop_table("legal_holds")
    op.drop_table("reveal_requests")
    op.drop_table("audit_heads")
    op.drop_table("audit_entries")
