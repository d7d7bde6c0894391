"""招商活动: activities (kind, dates, regions, leading leaders, participants,
organising department, summary, budget), the activity plan (招商计划), and
the activity a lead, visit or project came from

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:19:28.217305

"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=True),
        sa.Column("regions", sa.String(length=500), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "quarter IS NULL OR quarter BETWEEN 1 AND 4", name=op.f("ck_activity_plan_activity_plan_quarter_range")
        ),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_activity_plan_activity_plan_year_range")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_activity_plan_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_activity_plan_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["ref_item.id"], name=op.f("fk_activity_plan_kind_id_ref_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["user.id"], name=op.f("fk_activity_plan_leader_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_plan")),
    )
    with op.batch_alter_table("activity_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_plan_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_plan_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_plan_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_plan_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_plan_leader_id"), ["leader_id"], unique=False)
        batch_op.create_index("ix_activity_plan_year_quarter", ["year", "quarter"], unique=False)

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("budget", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("budget IS NULL OR budget >= 0", name=op.f("ck_activity_activity_budget_nonnegative")),
        sa.CheckConstraint("end_on >= start_on", name=op.f("ck_activity_activity_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_activity_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_activity_department_id_department"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["ref_item.id"], name=op.f("fk_activity_kind_id_ref_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["activity_plan.id"], name=op.f("fk_activity_plan_id_activity_plan"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_department_id"), ["department_id"], unique=False)
        batch_op.create_index("ix_activity_department_start", ["department_id", "start_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_start_on"), ["start_on"], unique=False)

    op.create_table(
        "activity_plan_industry",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("industry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["industry_id"],
            ["ref_item.id"],
            name=op.f("fk_activity_plan_industry_industry_id_ref_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["activity_plan.id"],
            name=op.f("fk_activity_plan_industry_plan_id_activity_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "industry_id", name=op.f("pk_activity_plan_industry")),
    )
    op.create_table(
        "activity_leader",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_activity_leader_activity_id_activity"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_activity_leader_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("activity_id", "user_id", name=op.f("pk_activity_leader")),
    )
    with op.batch_alter_table("activity_leader", schema=None) as batch_op:
        batch_op.create_index("ix_activity_leader_user_id", ["user_id"], unique=False)

    op.create_table(
        "activity_participant",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_activity_participant_activity_id_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_activity_participant_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("activity_id", "user_id", name=op.f("pk_activity_participant")),
    )
    with op.batch_alter_table("activity_participant", schema=None) as batch_op:
        batch_op.create_index("ix_activity_participant_user_id", ["user_id"], unique=False)

    op.create_table(
        "activity_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_activity_region_activity_id_activity"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_region")),
        sa.UniqueConstraint("activity_id", "name", name="uq_activity_region"),
    )
    with op.batch_alter_table("activity_region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_region_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_region_name"), ["name"], unique=False)

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_lead_activity_id"), ["activity_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_activity_id_activity"), "activity", ["activity_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_project_activity_id"), ["activity_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_project_activity_id_activity"), "activity", ["activity_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_visit_activity_id"), ["activity_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_visit_activity_id_activity"), "activity", ["activity_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_visit_activity_id_activity"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_visit_activity_id"))
        batch_op.drop_column("activity_id")

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_project_activity_id_activity"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_project_activity_id"))
        batch_op.drop_column("activity_id")

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_lead_activity_id_activity"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_lead_activity_id"))
        batch_op.drop_column("activity_id")

    with op.batch_alter_table("activity_region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_region_name"))
        batch_op.drop_index(batch_op.f("ix_activity_region_activity_id"))

    op.drop_table("activity_region")
    with op.batch_alter_table("activity_participant", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_participant_user_id")

    op.drop_table("activity_participant")
    with op.batch_alter_table("activity_leader", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_leader_user_id")

    op.drop_table("activity_leader")
    op.drop_table("activity_plan_industry")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_start_on"))
        batch_op.drop_index(batch_op.f("ix_activity_plan_id"))
        batch_op.drop_index(batch_op.f("ix_activity_kind_id"))
        batch_op.drop_index("ix_activity_department_start")
        batch_op.drop_index(batch_op.f("ix_activity_department_id"))
        batch_op.drop_index(batch_op.f("ix_activity_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_activity_archived_at"))

    op.drop_table("activity")
    with op.batch_alter_table("activity_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_plan_year_quarter")
        batch_op.drop_index(batch_op.f("ix_activity_plan_leader_id"))
        batch_op.drop_index(batch_op.f("ix_activity_plan_kind_id"))
        batch_op.drop_index(batch_op.f("ix_activity_plan_department_id"))
        batch_op.drop_index(batch_op.f("ix_activity_plan_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_activity_plan_archived_at"))

    op.drop_table("activity_plan")
