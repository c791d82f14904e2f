"""loop-share: persons named in outcomes, ticket replies in the outbox, clues by change

Revision ID: 0009_loop_share
Revises: 0008_notify
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_loop_share"
down_revision = "0008_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff_reply_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_enc", sa.LargeBinary(), nullable=False),
        sa.Column("name_masked", sa.String(length=50), nullable=False),
        sa.Column("post", sa.String(length=100), nullable=True),
        sa.Column("rank", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["reply_id"], ["handoff_replies.id"],
                                name=op.f("fk_handoff_reply_persons_reply_id_handoff_replies")),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"],
                                name=op.f("fk_handoff_reply_persons_handoff_id_handoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_reply_persons")),
        sa.UniqueConstraint("reply_id", "position",
                            name="uq_handoff_reply_persons_reply_position"),
    )
    op.create_index(op.f("ix_handoff_reply_persons_reply_id"), "handoff_reply_persons",
                    ["reply_id"])
    op.create_index(op.f("ix_handoff_reply_persons_handoff_id"), "handoff_reply_persons",
                    ["handoff_id"])
    op.add_column("webhook_deliveries", sa.Column("target_url", sa.String(length=500),
                                                  nullable=True))
    op.create_index("ix_clues_agency_updated", "clues", ["agency_id", "updated_at", "id"])
    # Outcome sharing starts with this version: the outbox reads clue events from here on,
    # so senders are not flooded with the past and no old outcome is written back.
    for name in ("clue_events", "ticket_replies"):
        op.execute(sa.text(
            "INSERT INTO outbox_cursors (name, position, updated_at) "
            f"SELECT '{name}', COALESCE(MAX(id), 0), CURRENT_TIMESTAMP FROM clue_events"))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM outbox_cursors WHERE name IN ('clue_events', 'ticket_replies')"))
    op.drop_index("ix_clues_agency_updated", table_name="clues")
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("target_url")
    op.drop_index(op.f("ix_handoff_reply_persons_handoff_id"), table_name="handoff_reply_persons")
    op.drop_index(op.f("ix_handoff_reply_persons_reply_id"), table_name="handoff_reply_persons")
    op.drop_table("handoff_reply_persons")
