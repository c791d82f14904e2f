"""meetings: the joint meeting of a month (联席会议), its participants and attendance, agenda,
decisions and minutes

Revision ID: 0010_meetings
Revises: 0009_loop_office
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0010_meetings"
down_revision = "0009_loop_office"
branch_labels = None
depends_on = None

T = hub.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("host", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("report_as_of", sa.String(length=40), nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", T, nullable=False),
        sa.Column("minutes_number", sa.String(length=64), nullable=True),
        sa.Column("minutes_docx", sa.LargeBinary(), nullable=True),
        sa.Column("minutes_sha256", sa.String(length=64), nullable=True),
        sa.Column("minutes_issued_at", T, nullable=True),
        sa.Column("minutes_issued_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("period", name=op.f("uq_meetings_period")),
        sa.UniqueConstraint("minutes_number", name=op.f("uq_meetings_minutes_number")),
    )
    op.create_table(
        "meeting_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.String(length=16), nullable=True),
        sa.Column("attendee", sa.String(length=50), nullable=True),
        sa.Column("post", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_agencies_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_meeting_agencies_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agencies")),
        sa.UniqueConstraint("meeting_id", "agency_id", name="uq_meeting_agencies_meeting_agency"),
    )
    with op.batch_alter_table("meeting_agencies") as batch:
        batch.create_index(batch.f("ix_meeting_agencies_meeting_id"), ["meeting_id"], unique=False)
        batch.create_index(batch.f("ix_meeting_agencies_agency_id"), ["agency_id"], unique=False)
    op.create_table(
        "meeting_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("source", hub.db.types.JSONType, nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_agenda_items_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_items")),
    )
    with op.batch_alter_table("meeting_agenda_items") as batch:
        batch.create_index(batch.f("ix_meeting_agenda_items_meeting_id"), ["meeting_id"],
                           unique=False)
    op.create_table(
        "meeting_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", T, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_decisions_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_meeting_decisions_agency_id_agencies")),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_meeting_decisions_clue_id_clues")),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_meeting_decisions_handoff_id_handoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decisions")),
    )
    with op.batch_alter_table("meeting_decisions") as batch:
        batch.create_index(batch.f("ix_meeting_decisions_meeting_id"), ["meeting_id"],
                           unique=False)
        batch.create_index(batch.f("ix_meeting_decisions_agency_id"), ["agency_id"],
                           unique=False)


def downgrade() -> None:
    op.drop_table("meeting_decisions")
    op.drop_table("meeting_agenda_items")
    op.drop_table("meeting_agencies")
    op.drop_table("meetings")
