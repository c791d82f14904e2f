"""loop-office: follow-up checks (回头看), group robots and their messages, issued documents, archive files

Revision ID: 0009_loop_office
Revises: 0008_notify
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0009_loop_office"
down_revision = "0008_notify"
branch_labels = None
depends_on = None

T = hub.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("new_handoff_id", sa.Integer(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("done_at", T, nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_followups_clue_id_clues")),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_followups_handoff_id_handoffs")),
        sa.ForeignKeyConstraint(["new_handoff_id"], ["handoffs.id"],
                                name=op.f("fk_followups_new_handoff_id_handoffs")),
        sa.ForeignKeyConstraint(["owner_id"], ["office_users.id"],
                                name=op.f("fk_followups_owner_id_office_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
    )
    with op.batch_alter_table("followups") as batch:
        batch.create_index("ix_followups_state_due", ["state", "due_on"], unique=False)
        batch.create_index(batch.f("ix_followups_clue_id"), ["clue_id"], unique=False)
        batch.create_index(batch.f("ix_followups_owner_id"), ["owner_id"], unique=False)


    op.create_table(
        "group_robots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.String(length=64), nullable=True),
        sa.Column("url_enc", sa.LargeBinary(), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("kinds", hub.db.types.JSONType, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_group_robots_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_robots")),
    )
    with op.batch_alter_table("group_robots") as batch:
        batch.create_index(batch.f("ix_group_robots_agency_id"), ["agency_id"], unique=False)
    op.create_table(
        "robot_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("robot_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.Column("next_attempt_at", T, nullable=False),
        sa.Column("claimed_at", T, nullable=True),
        sa.Column("sent_at", T, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_robot_messages_handoff_id_handoffs")),
        sa.ForeignKeyConstraint(["robot_id"], ["group_robots.id"],
                                name=op.f("fk_robot_messages_robot_id_group_robots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_robot_messages")),
        sa.UniqueConstraint("robot_id", "event_key", name="uq_robot_messages_robot_event"),
    )
    with op.batch_alter_table("robot_messages") as batch:
        batch.create_index("ix_robot_messages_state_next", ["state", "next_attempt_at"],
                           unique=False)


    op.create_table(
        "document_templates",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("updated_at", T, nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_document_templates")),
    )
    op.create_table(
        "document_sequences",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_document_sequences")),
    )
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", T, nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_issued_documents_clue_id_clues")),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_issued_documents_handoff_id_handoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint("event_key", name=op.f("uq_issued_documents_event_key")),
        sa.UniqueConstraint("kind", "year", "seq", name="uq_issued_documents_kind_year_seq"),
        sa.UniqueConstraint("number", name=op.f("uq_issued_documents_number")),
    )
    with op.batch_alter_table("issued_documents") as batch:
        batch.create_index(batch.f("ix_issued_documents_clue_id"), ["clue_id"], unique=False)
        batch.create_index(batch.f("ix_issued_documents_handoff_id"), ["handoff_id"],
                           unique=False)


    op.create_table(
        "archive_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("retention", sa.String(length=16), nullable=False),
        sa.Column("secrecy", sa.String(length=16), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("filed_at", T, nullable=True),
        sa.Column("content_enc", sa.LargeBinary(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("key_id", sa.String(length=32), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_archive_files_clue_id_clues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_files")),
        sa.UniqueConstraint("number", name=op.f("uq_archive_files_number")),
    )
    with op.batch_alter_table("archive_files") as batch:
        batch.create_index(batch.f("ix_archive_files_clue_id"), ["clue_id"], unique=False)


def downgrade() -> None:
    op.drop_table("archive_files")
    op.drop_table("issued_documents")
    op.drop_table("document_sequences")
    op.drop_table("document_templates")
    op.drop_table("robot_messages")
    op.drop_table("group_robots")
    op.drop_table("followups")
