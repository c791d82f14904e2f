"""correlate: the shared index (profiles, band keys, field keys) and clusters

Revision ID: 0004_correlate
Revises: 0001
Create Date: 2026-11-22

Written by hand to match hub/correlate/models.py (tests/test_migrations.py checks it).
"""
import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0004_correlate"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = hub.db.types.UTCDateTime(timezone=True)
JSON = hub.db.types.JSONType


def upgrade() -> None:
    op.create_table(
        "correlate_profiles",
        sa.Column("clue_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reported_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("facts", JSON, nullable=False),
        sa.Column("indexed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("clue_id", name=op.f("pk_correlate_profiles")),
    )
    op.create_table(
        "correlate_band_keys",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("clue_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("key", "day", "clue_id", name=op.f("pk_correlate_band_keys")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "correlate_field_keys",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("clue_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", "day", "clue_id",
                                name=op.f("pk_correlate_field_keys")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_clue_id", sa.Integer(), nullable=False),
        sa.Column("lead_set_by", sa.String(length=64), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Integer(), nullable=False),
        sa.Column("channel_list", JSON, nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["lead_clue_id"], ["clues.id"],
                                name=op.f("fk_clusters_lead_clue_id_clues")),
        sa.ForeignKeyConstraint(["merged_into_id"], ["clusters.id"],
                                name=op.f("fk_clusters_merged_into_id_clusters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clusters")),
    )
    op.create_table(
        "cluster_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("detached_at", UTC, nullable=True),
        sa.Column("detached_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"],
                                name=op.f("fk_cluster_links_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_cluster_links_clue_id_clues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_links")),
    )
    op.create_index("ix_cluster_links_cluster_clue", "cluster_links", ["cluster_id", "clue_id"])
    op.create_index(op.f("ix_cluster_links_clue_id"), "cluster_links", ["clue_id"])
    op.create_table(
        "clue_clusters",
        sa.Column("clue_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_clue_clusters_clue_id_clues")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"],
                                name=op.f("fk_clue_clusters_cluster_id_clusters")),
        sa.PrimaryKeyConstraint("clue_id", name=op.f("pk_clue_clusters")),
    )
    op.create_index(op.f("ix_clue_clusters_cluster_id"), "clue_clusters", ["cluster_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_clue_clusters_cluster_id"), table_name="clue_clusters")
    op.drop_table("clue_clusters")
    op.drop_index(op.f("ix_cluster_links_clue_id"), table_name="cluster_links")
    op.drop_index("ix_cluster_links_cluster_clue", table_name="cluster_links")
    op.drop_table("cluster_links")
    op.drop_table("clusters")
    op.drop_table("correlate_field_keys")
    op.drop_table("correlate_band_keys")
    op.drop_table("correlate_profiles")
