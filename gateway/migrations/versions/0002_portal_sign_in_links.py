"""portal sign-in links

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 15:55:00
"""

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'portal_sign_in_links',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('contact_id', sa.String(length=36), nullable=False),
        sa.Column('created_at', gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('portal_sign_in_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_sign_in_links_contact_id'), ['contact_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_portal_sign_in_links_expires_at'), ['expires_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('portal_sign_in_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_sign_in_links_expires_at'))
        batch_op.drop_index(batch_op.f('ix_portal_sign_in_links_contact_id'))
    op.drop_table('portal_sign_in_links')
