"""report rollups: each district-wide report measure (the funnel's steps,
四库, 三个一批) summed per department (or industry) and per day, per month or
at all, kept with the report facts; backfilled from them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 4, asdecimal=True)


def upgrade():
    op.create_table(
        "report_rollup",
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("dim", sa.String(length=16), nullable=False),
        sa.Column("dim_value", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("bucket", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("measure", "dim", "dim_value", "grain", "bucket", name=op.f("pk_report_rollup")),
    )
    op.create_index(
        "ix_report_rollup_read",
        "report_rollup",
        ["dim", "grain", "measure", "bucket", "dim_value", "n", "amount"],
    )
    op.create_index("ix_report_rollup_keep", "report_rollup", ["dim", "dim_value", "month"])

    # Backfill from the facts (`flask facts rebuild` runs the same). On a new
    # database there is nothing to sum: skip it, so this migration does not
    # depend on later versions of the report measures.
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT 1 FROM lead_fact UNION ALL SELECT 1 FROM project_fact LIMIT 1")).first():
        from app.rollups import rebuild

        rebuild(connection)


def downgrade():
    op.drop_table("report_rollup")
