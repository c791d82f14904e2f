"""backbone: agencies, keys, raw records, clues, events, tasks

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 04:32:30.386472
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.db.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('name', name=op.f('uq_agencies_name'))
    )
    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('available_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', hub.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', hub.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('finished_at', hub.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    sa.UniqueConstraint('stage', 'ref_id', name='uq_tasks_stage_ref')
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_state_stage', ['state', 'stage'], unique=False)

    op.create_table('api_keys',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=200), nullable=False),
    sa.Column('created_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', hub.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', hub.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_api_keys_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_agency_id'), ['agency_id'], unique=False)

    op.create_table('raw_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=32), nullable=False),
    sa.Column('connector', sa.String(length=64), nullable=True),
    sa.Column('received_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('errors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_raw_records_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_records'))
    )
    with op.batch_alter_table('raw_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_records_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_records_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_records_sha256'), ['sha256'], unique=False)

    op.create_table('clues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('source_ref', sa.String(length=128), nullable=False),
    sa.Column('raw_record_id', sa.Integer(), nullable=False),
    sa.Column('raw_index', sa.Integer(), nullable=True),
    sa.Column('received_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('updated_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('reported_at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('category_source', sa.String(length=16), nullable=True),
    sa.Column('field', sa.String(length=32), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=True),
    sa.Column('region_source', sa.String(length=16), nullable=True),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('subjects', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('references', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('attachments', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('extra', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('normalization', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('reporter_enc', sa.LargeBinary(), nullable=True),
    sa.Column('reporter_masked', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_clues_agency_id_agencies')),
    sa.ForeignKeyConstraint(['raw_record_id'], ['raw_records.id'], name=op.f('fk_clues_raw_record_id_raw_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clues')),
    sa.UniqueConstraint('agency_id', 'source_ref', name='uq_clues_agency_source_ref')
    )
    with op.batch_alter_table('clues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clues_region_code'), ['region_code'], unique=False)
        batch_op.create_index('ix_clues_status_received', ['status', 'received_at'], unique=False)

    op.create_table('clue_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clue_id', sa.Integer(), nullable=False),
    sa.Column('at', hub.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['clue_id'], ['clues.id'], name=op.f('fk_clue_events_clue_id_clues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clue_events'))
    )
    with op.batch_alter_table('clue_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clue_events_clue_id'), ['clue_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('clue_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clue_events_clue_id'))

    op.drop_table('clue_events')
    with op.batch_alter_table('clues', schema=None) as batch_op:
        batch_op.drop_index('ix_clues_status_received')
        batch_op.drop_index(batch_op.f('ix_clues_region_code'))

    op.drop_table('clues')
    with op.batch_alter_table('raw_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_records_sha256'))
        batch_op.drop_index(batch_op.f('ix_raw_records_received_at'))
        batch_op.drop_index(batch_op.f('ix_raw_records_agency_id'))

    op.drop_table('raw_records')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_agency_id'))

    op.drop_table('api_keys')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_state_stage')

    op.drop_table('tasks')
    op.drop_table('agencies')
