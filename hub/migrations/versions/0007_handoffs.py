"""hand-offs, their events, replies and attachments

Revision ID: 0007_handoffs
Revises: 0006_office, 0003_directory (hand-offs point at decisions, users and bodies)
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0007_handoffs"
down_revision = ("0006_office", "0003_directory")
branch_labels = None
depends_on = None

T = hub.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("receiver_name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("returned_by", sa.String(length=16), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("reply_due_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("deadline_warning", sa.Text(), nullable=True),
        sa.Column("reporter_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("updated_at", T, nullable=False),
        sa.Column("sent_at", T, nullable=True),
        sa.Column("acknowledged_at", T, nullable=True),
        sa.Column("first_replied_at", T, nullable=True),
        sa.Column("replied_at", T, nullable=True),
        sa.Column("verified_at", T, nullable=True),
        sa.Column("closed_at", T, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_handoffs_agency_id_agencies")),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_handoffs_body_id_bodies")),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_handoffs_clue_id_clues")),
        sa.ForeignKeyConstraint(["created_by"], ["office_users.id"],
                                name=op.f("fk_handoffs_created_by_office_users")),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"],
                                name=op.f("fk_handoffs_decision_id_decisions")),
        sa.ForeignKeyConstraint(["lead_id"], ["handoffs.id"],
                                name=op.f("fk_handoffs_lead_id_handoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
        sa.UniqueConstraint("number", name=op.f("uq_handoffs_number")),
    )
    op.create_index(op.f("ix_handoffs_clue_id"), "handoffs", ["clue_id"])
    op.create_index("ix_handoffs_agency_updated", "handoffs", ["agency_id", "updated_at", "id"])
    op.create_index("ix_handoffs_state_due", "handoffs", ["state", "due_on"])
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("at", T, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=True),
        sa.Column("detail", hub.db.types.JSONType, nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_handoff_events_handoff_id_handoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_events")),
    )
    op.create_index(op.f("ix_handoff_events_handoff_id"), "handoff_events", ["handoff_id"])
    op.create_table(
        "handoff_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("source_ref", sa.String(length=128), nullable=True),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("persons", sa.Integer(), nullable=True),
        sa.Column("amount_yuan", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("outcome_text", sa.Text(), nullable=True),
        sa.Column("received_at", T, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_handoff_replies_handoff_id_handoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_replies")),
        sa.UniqueConstraint("handoff_id", "source_ref",
                            name="uq_handoff_replies_handoff_source_ref"),
    )
    op.create_index(op.f("ix_handoff_replies_handoff_id"), "handoff_replies", ["handoff_id"])
    op.create_table(
        "handoff_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_handoff_attachments_handoff_id_handoffs")),
        sa.ForeignKeyConstraint(["reply_id"], ["handoff_replies.id"],
                                name=op.f("fk_handoff_attachments_reply_id_handoff_replies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_attachments")),
    )
    op.create_index(op.f("ix_handoff_attachments_handoff_id"), "handoff_attachments",
                    ["handoff_id"])


def downgrade() -> None:
    for table in ("handoff_attachments", "handoff_replies", "handoff_events", "handoffs"):
        op.drop_table(table)
