"""issued monthly reports, their sharing, and the time-range indexes the figures read by

Revision ID: 0008_reports
Revises: 0007_handoffs
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0008_reports"
down_revision = "0007_handoffs"
branch_labels = None
depends_on = None

T = hub.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_index("ix_clues_received_at", "clues", ["received_at"])
    op.create_index("ix_handoffs_sent_at", "handoffs", ["sent_at"])
    op.create_index("ix_clues_region_id", "clues", ["region_code", "id"])
    op.create_table(
        "issued_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("area", sa.String(length=6), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issued_at", T, nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("report_json", sa.LargeBinary(), nullable=False),
        sa.Column("partner_json", sa.LargeBinary(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("xlsx", sa.LargeBinary(), nullable=False),
        sa.Column("json_sha256", sa.String(length=64), nullable=False),
        sa.Column("partner_json_sha256", sa.String(length=64), nullable=False),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False),
        sa.Column("xlsx_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_reports")),
        sa.UniqueConstraint("period", "area", "version",
                            name="uq_issued_reports_period_area_version"),
    )
    op.create_table(
        "report_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("shared_at", T, nullable=False),
        sa.Column("shared_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["issued_reports.id"],
                                name=op.f("fk_report_shares_report_id_issued_reports")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_report_shares_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_shares")),
        sa.UniqueConstraint("report_id", "agency_id", name="uq_report_shares_report_agency"),
    )
    op.create_index(op.f("ix_report_shares_agency_id"), "report_shares", ["agency_id"])


def downgrade() -> None:
    op.drop_table("report_shares")
    op.drop_table("issued_reports")
    op.drop_index("ix_handoffs_sent_at", "handoffs")
    op.drop_index("ix_clues_region_id", "clues")
    op.drop_index("ix_clues_received_at", "clues")
