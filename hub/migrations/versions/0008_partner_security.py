"""partner security: key IP allow-lists, agencies' signing keys, nonces of signed requests

Revision ID: 0008_partner_security
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0008_partner_security"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("allowed_ips", sa.String(length=1000), nullable=True))
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("signing_public_key", sa.Text(), nullable=True))
    op.create_table(
        "request_nonces",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("expires_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_request_nonces_agency_id_agencies")),
        sa.PrimaryKeyConstraint("agency_id", "nonce", name=op.f("pk_request_nonces")),
    )
    op.create_index(op.f("ix_request_nonces_expires_at"), "request_nonces", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_request_nonces_expires_at"), table_name="request_nonces")
    op.drop_table("request_nonces")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("signing_public_key")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("allowed_ips")
