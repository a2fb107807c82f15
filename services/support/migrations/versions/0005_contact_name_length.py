"""A contact's name in the projection holds a first and a last name of 100 characters each

The contacts service takes up to 100 characters for each; joined with a space they make
201, and a contact named that long was refused by this projection on every delivery of its
event until the event was parked. SQLite does not enforce the length: nothing to change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 16:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("contact_views", "name", type_=sa.String(201),
                    existing_type=sa.String(200), existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("UPDATE contact_views SET name = left(name, 200)")
    op.alter_column("contact_views", "name", type_=sa.String(200),
                    existing_type=sa.String(201), existing_nullable=True)
