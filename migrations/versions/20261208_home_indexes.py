"""home indexes: the home page's panels read covering indexes — 履约预警's
first signings and latest commitments, 督查's overdue problems by
department and level, a leader's activities' visits and leads

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-08 00:30:00

"""

from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None

INDEXES = [
    (
        "agreement",
        "ix_agreement_commitments",
        ["project_id", "archived_at", "signed_on", "id", "committed_construction_on", "committed_production_on"],
    ),
    (
        "problem",
        "ix_problem_pending",
        ["status", "archived_at", "deadline", "responsible_department_id", "supervised_level"],
    ),
    ("lead", "ix_lead_activity_outcome", ["activity_id", "archived_at", "company_id"]),
    ("visit", "ix_visit_activity_outcome", ["activity_id", "archived_at", "lead_id", "project_id"]),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
