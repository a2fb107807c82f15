"""Ticket numbers from a sequence on PostgreSQL, carrying on from the counter row

The counter row's UPDATE locked it until the creating transaction committed, so every
ticket creation queued behind the previous one. A sequence hands out numbers without a
lock held to the commit; SQLite, with one writer at a time anyway, keeps the counter.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:50:00
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE ticket_numbers")
    op.execute("SELECT setval('ticket_numbers', value) FROM counters WHERE name = 'ticket'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("UPDATE counters SET value = (SELECT last_value FROM ticket_numbers) "
               "WHERE name = 'ticket'")
    op.execute("DROP SEQUENCE ticket_numbers")
