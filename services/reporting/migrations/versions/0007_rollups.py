"""Daily rollups of the dashboards' KPIs and the days whose rollup must be recomputed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 00:40:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_rollups',
        sa.Column('family', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('owner_id', sa.String(length=64), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('parts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('family', 'day', 'owner_id', 'currency'),
    )
    op.create_table(
        'report_dirty_days',
        sa.Column('family', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('family', 'day'),
    )


def downgrade() -> None:
    op.drop_table('report_dirty_days')
    op.drop_table('report_rollups')
