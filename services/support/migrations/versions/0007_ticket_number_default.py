"""A ticket's number drawn by its INSERT on PostgreSQL

A creation asked the sequence for its number in a statement of its own, one round trip
before the INSERT; as the column's default, the INSERT draws it and returns it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 13:45:00
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE tickets ALTER COLUMN number SET DEFAULT nextval('ticket_numbers')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE tickets ALTER COLUMN number DROP DEFAULT")
