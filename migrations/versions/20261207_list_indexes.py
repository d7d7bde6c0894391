"""list indexes: the project library's per-stage counts and its pages in
order of planned investment read one index instead of the table

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:10:00

"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_library"), ["stage", "archived_at", "planned_investment"], unique=False
        )


def downgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_library"))
