"""feed back-off: failure score, next fetch time, disabled time

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add the back-off columns; existing feeds start with a clean slate (score 0, due now)."""
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure_score', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_fetch_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('next_fetch_at')
        batch_op.drop_column('failure_score')
