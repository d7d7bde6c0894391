"""report stay indexes: 对接走访统计 reads the period's visits (department,
kind, author, lead, project) on one covering index, and 周期分析 finds each
status or stage change's next one in the order of a covering index, without
sorting the change tables

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 00:10:00

"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

VISIT_PERIOD = ["archived_at", "visited_on", "department_id", "kind_id", "created_by_id", "lead_id", "project_id"]
LEAD_STAYS = ["lead_id", "changed_at", "id", "to_status"]
STAGE_STAYS = ["project_id", "changed_on", "changed_at", "id", "to_stage"]


def upgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index("ix_visit_period", VISIT_PERIOD, unique=False)
    with op.batch_alter_table("lead_status_change", schema=None) as batch_op:
        batch_op.create_index("ix_lead_status_change_stays", LEAD_STAYS, unique=False)
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.create_index("ix_stage_change_stays", STAGE_STAYS, unique=False)


def downgrade():
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_change_stays")
    with op.batch_alter_table("lead_status_change", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_status_change_stays")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_period")
