"""workbench (administration): login lock-out, dead letters corrected or discarded, clue
attachments' bytes

Revision ID: 0009_workbench_admin
Revises: 0002_collect, 0006_office
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0009_workbench_admin"
down_revision = ("0002_collect", "0006_office")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("office_users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0",
                                   nullable=False))
        batch.add_column(sa.Column("locked_until", hub.db.types.UTCDateTime(timezone=True),
                                   nullable=True))
    with op.batch_alter_table("dead_letters") as batch:
        batch.add_column(sa.Column("corrected_raw_record_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("discard_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(op.f("fk_dead_letters_corrected_raw_record_id_raw_records"),
                                 "raw_records", ["corrected_raw_record_id"], ["id"])
    op.create_table(
        "clue_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_enc", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_clue_attachments_clue_id_clues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_attachments")),
        sa.UniqueConstraint("clue_id", "sha256", name="uq_clue_attachments_clue_sha"),
    )
    op.create_index(op.f("ix_clue_attachments_clue_id"), "clue_attachments", ["clue_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_clue_attachments_clue_id"), table_name="clue_attachments")
    op.drop_table("clue_attachments")
    with op.batch_alter_table("dead_letters") as batch:
        batch.drop_constraint(op.f("fk_dead_letters_corrected_raw_record_id_raw_records"),
                              type_="foreignkey")
        batch.drop_column("discard_reason")
        batch.drop_column("corrected_raw_record_id")
    with op.batch_alter_table("office_users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
