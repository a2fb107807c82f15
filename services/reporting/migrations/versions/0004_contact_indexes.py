"""Indexes on the contact of activities, ratings and upsell flags, which a contact's 360
KPI part filters by

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 18:25:00
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TABLES = ("report_activities", "report_csat", "report_upsell_flags")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_contact_id"), ["contact_id"],
                                  unique=False)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_contact_id"))
