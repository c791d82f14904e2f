"""loop-finish: reveal requests for the persons outcomes name; their names erasable

Revision ID: 0010_loop_finish
Revises: 0009_loop_share, 0009_defects
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_loop_finish"
down_revision = ("0009_loop_share", "0009_defects")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reveal_requests") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=16), nullable=False,
                                   server_default="reporter"))
    with op.batch_alter_table("handoff_reply_persons") as batch:
        batch.alter_column("name_enc", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("handoff_reply_persons") as batch:
        batch.alter_column("name_enc", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("reveal_requests") as batch:
        batch.drop_column("subject")
