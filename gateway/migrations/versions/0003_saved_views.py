"""users' saved views of lists

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 20:30:00
"""

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'saved_views',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('owner_id', sa.String(length=36), nullable=False),
        sa.Column('resource', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('query', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        # Also the index of a user's views of one list, in name order.
        sa.UniqueConstraint('owner_id', 'resource', 'name'),
    )


def downgrade() -> None:
    op.drop_table('saved_views')
