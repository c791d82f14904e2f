"""collect: connector states (cursor, health, lease), runs, dead letters

Revision ID: 0002_collect
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0002_collect"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connector_states",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("page_size", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("health", sa.String(length=16), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_run_at", hub.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("running_since", hub.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("updated_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_connector_states_agency_id_agencies")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_connector_states")),
    )
    op.create_table(
        "connector_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connector", sa.String(length=64), nullable=False),
        sa.Column("started_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", hub.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("known", sa.Integer(), nullable=False),
        sa.Column("not_clue", sa.Integer(), nullable=False),
        sa.Column("dead_lettered", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connector_runs")),
    )
    with op.batch_alter_table("connector_runs", schema=None) as batch_op:
        batch_op.create_index("ix_connector_runs_connector_id", ["connector", "id"], unique=False)

    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connector", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("raw_record_id", sa.Integer(), nullable=False),
        sa.Column("record_ref", sa.String(length=200), nullable=True),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", hub.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_dead_letters_clue_id_clues")),
        sa.ForeignKeyConstraint(["raw_record_id"], ["raw_records.id"],
                                name=op.f("fk_dead_letters_raw_record_id_raw_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
    )
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.create_index("ix_dead_letters_connector_state", ["connector", "state"],
                              unique=False)
        batch_op.create_index("ix_dead_letters_connector_ref", ["connector", "record_ref"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_index("ix_dead_letters_connector_ref")
        batch_op.drop_index("ix_dead_letters_connector_state")
    op.drop_table("dead_letters")
    with op.batch_alter_table("connector_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_connector_runs_connector_id")
    op.drop_table("connector_runs")
    op.drop_table("connector_states")
