"""imports that show what they change: project notes (备注) apart from the
description, department aliases for ledger names, and what a committed
import did (import_batch.summary)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
    with op.batch_alter_table("import_batch") as batch:
        batch.add_column(sa.Column("summary", sa.JSON(), nullable=True))
    op.create_table(
        "department_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_department_alias_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_alias")),
        sa.UniqueConstraint("alias", name=op.f("uq_department_alias_alias")),
    )
    op.create_index(op.f("ix_department_alias_department_id"), "department_alias", ["department_id"])


def downgrade():
    op.drop_index(op.f("ix_department_alias_department_id"), table_name="department_alias")
    op.drop_table("department_alias")
    with op.batch_alter_table("import_batch") as batch:
        batch.drop_column("summary")
    with op.batch_alter_table("project") as batch:
        batch.drop_column("notes")
