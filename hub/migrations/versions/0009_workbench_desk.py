"""the office's workbench: the clues' full-text index, the all-clues list's order,
decisions awaiting a section head's approval, owners of clues and hand-offs

Revision ID: 0009_workbench_desk
Revises: 0007_handoffs
"""

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0009_workbench_desk"
down_revision = "0007_handoffs"
T = hub.db.types.UTCDateTime(timezone=True)
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE TABLE clue_search (clue_id integer PRIMARY KEY "
                   "REFERENCES clues(id) ON DELETE CASCADE, terms tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_clue_search_terms ON clue_search USING gin (terms)")
    else:
        op.execute("CREATE VIRTUAL TABLE clue_fts USING fts5(title, body, "
                   "tokenize = 'unicode61 remove_diacritics 0')")
    op.create_index("ix_clues_received_id", "clues", ["received_at", "id"])
    op.create_table(
        "decision_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("request", hub.db.types.JSONType, nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", T, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("settled_by", sa.Integer(), nullable=True),
        sa.Column("settled_at", T, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"],
                                name=op.f("fk_decision_proposals_clue_id_clues")),
        sa.ForeignKeyConstraint(["proposed_by"], ["office_users.id"],
                                name=op.f("fk_decision_proposals_proposed_by_office_users")),
        sa.ForeignKeyConstraint(["settled_by"], ["office_users.id"],
                                name=op.f("fk_decision_proposals_settled_by_office_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_proposals")),
    )
    op.create_index("ix_decision_proposals_clue_id", "decision_proposals", ["clue_id"])
    op.create_index("ix_decision_proposals_state", "decision_proposals", ["state", "proposed_at"])
    for table, key, target in (("clue_owners", "clue_id", "clues"),
                               ("handoff_owners", "handoff_id", "handoffs")):
        op.create_table(
            table,
            sa.Column(key, sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("assigned_by", sa.Integer(), nullable=False),
            sa.Column("assigned_at", T, nullable=False),
            sa.ForeignKeyConstraint([key], [f"{target}.id"],
                                    name=op.f(f"fk_{table}_{key}_{target}")),
            sa.ForeignKeyConstraint(["user_id"], ["office_users.id"],
                                    name=op.f(f"fk_{table}_user_id_office_users")),
            sa.ForeignKeyConstraint(["assigned_by"], ["office_users.id"],
                                    name=op.f(f"fk_{table}_assigned_by_office_users")),
            sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{table}")),
        )
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])
    # Clues already stored join the index (a large database can run `hub search rebuild`
    # instead, later: the index only adds to what LIKE found before).
    from sqlalchemy.orm import Session

    from hub.search.repository import rebuild

    rebuild(Session(bind=bind))


def downgrade() -> None:
    for table in ("handoff_owners", "clue_owners", "decision_proposals"):
        op.drop_table(table)
    op.drop_index("ix_clues_received_id", table_name="clues")
    op.execute("DROP TABLE IF EXISTS clue_search")
    op.execute("DROP TABLE IF EXISTS clue_fts")
