"""report indexes: 目标考核's funds received and signed projects of a year,
投资完成情况's monthly line and its grouped projects read covering indexes
instead of the tables' rows

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 01:00:00

"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

PROJECT_REPORT = [
    "archived_at",
    "lead_department_id",
    "responsible_leader_id",
    "level",
    "kind_id",
    "industry_id",
    "created_by_id",
    "construction_on",
    "production_on",
]
SIGNED = ["signed_on", "archived_at", "signed_amount", "company_id", "lead_department_id"]


def upgrade():
    with op.batch_alter_table("funding", schema=None) as batch_op:
        batch_op.create_index("ix_funding_report", ["month", "project_id", "amount"], unique=False)
    with op.batch_alter_table("project_fact", schema=None) as batch_op:
        batch_op.create_index("ix_project_fact_signed", SIGNED, unique=False)
    with op.batch_alter_table("investment_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_investment_report_project_completed", ["project_id", "month", "completed"], unique=False
        )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index("ix_project_report", PROJECT_REPORT, unique=False)


def downgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index("ix_project_report")
    with op.batch_alter_table("investment_report", schema=None) as batch_op:
        batch_op.drop_index("ix_investment_report_project_completed")
    with op.batch_alter_table("project_fact", schema=None) as batch_op:
        batch_op.drop_index("ix_project_fact_signed")
    with op.batch_alter_table("funding", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_report")
