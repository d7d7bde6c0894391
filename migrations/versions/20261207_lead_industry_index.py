"""lead industry index: the lead list filtered by industry counts, and picks
a page's ids in order of receipt, on one index instead of the table

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 00:40:00

"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_industry_list"), ["industry_id", "archived_at", "status", "received_on"], unique=False
        )


def downgrade():
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_industry_list"))
