"""Change counters (crm_chassis.changes): one number per kind of record, moved by every
committed change, under which costly reads are kept

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 20:35:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'change_counters',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('change_counters')
