"""An index on the contact a contact was merged into: a contact's 360 KPIs read the
contacts merged into it on every view

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 21:00:00
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_contacts_merged_into"), ["merged_into"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_contacts_merged_into"))
