"""An index on the expected close date of deals, which the forecast KPI filters open deals
by (the dashboards' aggregates read a range of it)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 00:30:00
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_opportunities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_opportunities_expected_close_date"),
                              ["expected_close_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_opportunities_expected_close_date"))
