"""reviewers: accounts, sessions, verdict history, generated secrets

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'reviewers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_login_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewers')),
        sa.UniqueConstraint('name', name=op.f('uq_reviewers_name')),
    )
    op.create_table(
        'reviewer_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.id'], name=op.f('fk_reviewer_sessions_reviewer_id_reviewers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_reviewer_sessions')),
    )
    with op.batch_alter_table('reviewer_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewer_sessions_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewer_sessions_expires_at'), ['expires_at'], unique=False)

    op.create_table(
        'pair_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('reviewer', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("verdict IN ('pending', 'confirmed', 'rejected', 'unsure')", name=op.f('ck_pair_reviews_verdict')),
        sa.ForeignKeyConstraint(['pair_id'], ['claim_pairs.id'], name=op.f('fk_pair_reviews_pair_id_claim_pairs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pair_reviews')),
    )
    with op.batch_alter_table('pair_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pair_reviews_pair_id'), ['pair_id'], unique=False)

    op.create_table(
        'app_secrets',
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_app_secrets')),
    )

    # Verdicts given before this migration become the first entry of each pair's history.
    op.execute(
        "INSERT INTO pair_reviews (pair_id, verdict, note, reviewer, created_at) "
        "SELECT id, status, note, reviewer, reviewed_at FROM claim_pairs "
        "WHERE status <> 'pending' AND reviewer IS NOT NULL AND reviewed_at IS NOT NULL "
        "ORDER BY reviewed_at, id"
    )


def downgrade() -> None:
    op.drop_table('app_secrets')
    with op.batch_alter_table('pair_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pair_reviews_pair_id'))
    op.drop_table('pair_reviews')
    with op.batch_alter_table('reviewer_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewer_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_reviewer_sessions_reviewer_id'))
    op.drop_table('reviewer_sessions')
    op.drop_table('reviewers')
