"""cluster_links by creation time: the overview's clusters that grew this week

Revision ID: 0010_overview
Revises: 0009_throughput
"""

from alembic import op

revision = "0010_overview"
down_revision = "0009_throughput"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cluster_links_created", "cluster_links", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_cluster_links_created", table_name="cluster_links")
