"""Retired contacts: deleted, merged away or erased ones, which a late event must not
bring back into the audience

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 19:20:00
"""

from alembic import op
import sqlalchemy as sa
import crm_chassis.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audience_retired_contacts',
        sa.Column('contact_id', sa.String(length=36), nullable=False),
        sa.Column('reason', sa.String(length=10), nullable=False),
        sa.Column('retired_at', crm_chassis.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('contact_id'),
    )


def downgrade() -> None:
    op.drop_table('audience_retired_contacts')
