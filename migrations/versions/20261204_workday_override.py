"""workday overrides: the district's own changes to the working-day calendar

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "workday_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workday_override")),
        sa.UniqueConstraint("day", name=op.f("uq_workday_override_day")),
    )


def downgrade():
    op.drop_table("workday_override")
