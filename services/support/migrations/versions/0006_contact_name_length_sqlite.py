"""The projection's contact name declared 201 characters on SQLite too

Migration 0005 widened the column on PostgreSQL only, since SQLite does not enforce a
length; but the declared type then differed from the model's, and the test comparing the
migrated schema with the models failed on SQLite (the default database of `make test`).
SQLite changes a column's type by copying the table (Alembic's batch mode).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 22:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("contact_views") as batch:
        batch.alter_column("name", type_=sa.String(201), existing_type=sa.String(200),
                           existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("contact_views") as batch:
        batch.alter_column("name", type_=sa.String(200), existing_type=sa.String(201),
                           existing_nullable=True)
