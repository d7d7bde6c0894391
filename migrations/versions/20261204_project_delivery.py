"""project delivery: a project's level (省/市/区重点) and kind, annual plans
with their monthly phasing, monthly investment reports and their revisions,
三个一批 campaigns; the cumulative completed investment maintained on the
project; the right to review monthly reports

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaign_campaign_period")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_campaign_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_ends_on"), ["ends_on"], unique=False)

    op.create_table(
        "annual_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("planned_investment", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("planned_start_on", sa.Date(), nullable=True),
        sa.Column("planned_production_on", sa.Date(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("completed", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("reported_through", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("planned_investment >= 0", name=op.f("ck_annual_plan_plan_investment_nonnegative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_annual_plan_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_annual_plan_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_plan")),
        sa.UniqueConstraint("project_id", "year", name="uq_annual_plan_project_year"),
    )
    with op.batch_alter_table("annual_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annual_plan_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annual_plan_project_id"), ["project_id"], unique=False)
        batch_op.create_index("ix_annual_plan_year_project", ["year", "project_id"], unique=False)

    op.create_table(
        "campaign_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "batch", sa.Enum("sign", "start", "produce", name="batch", native_enum=False, length=20), nullable=False
        ),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_campaign_item_campaign_id_campaign"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_campaign_item_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_item")),
        sa.UniqueConstraint("campaign_id", "project_id", "batch", name="uq_campaign_item"),
    )
    with op.batch_alter_table("campaign_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_item_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_item_project_id"), ["project_id"], unique=False)

    op.create_table(
        "investment_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("completed", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("submitted", "reviewed", name="reportstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("completed >= 0", name=op.f("ck_investment_report_report_completed_nonnegative")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_investment_report_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["user.id"], name=op.f("fk_investment_report_reported_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user.id"], name=op.f("fk_investment_report_reviewed_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investment_report")),
        sa.UniqueConstraint("project_id", "month", name="uq_investment_report_project_month"),
    )
    with op.batch_alter_table("investment_report", schema=None) as batch_op:
        batch_op.create_index("ix_investment_report_month_project", ["month", "project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_investment_report_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_investment_report_status"), ["status"], unique=False)

    op.create_table(
        "investment_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("previous_completed", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("completed", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("previous_progress", sa.Text(), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_investment_revision_changed_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["investment_report.id"],
            name=op.f("fk_investment_revision_report_id_investment_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investment_revision")),
    )
    with op.batch_alter_table("investment_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_investment_revision_report_id"), ["report_id"], unique=False)

    op.create_table(
        "plan_month",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("cumulative", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_plan_month_plan_month_range")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["annual_plan.id"], name=op.f("fk_plan_month_plan_id_annual_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "month", name=op.f("pk_plan_month")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "level",
                sa.Enum("province", "city", "district", name="projectlevel", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("kind_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("completed_investment", sa.Numeric(precision=18, scale=4), nullable=False, server_default="0")
        )
        batch_op.create_index(batch_op.f("ix_project_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_level"), ["level"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_project_kind_id_ref_item"), "ref_item", ["kind_id"], ["id"], ondelete="RESTRICT"
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviews_investment", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("reviews_investment")

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_project_kind_id_ref_item"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_project_level"))
        batch_op.drop_index(batch_op.f("ix_project_kind_id"))
        batch_op.drop_column("completed_investment")
        batch_op.drop_column("kind_id")
        batch_op.drop_column("level")

    op.drop_table("plan_month")
    with op.batch_alter_table("investment_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_investment_revision_report_id"))

    op.drop_table("investment_revision")
    with op.batch_alter_table("investment_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_investment_report_status"))
        batch_op.drop_index(batch_op.f("ix_investment_report_project_id"))
        batch_op.drop_index("ix_investment_report_month_project")

    op.drop_table("investment_report")
    with op.batch_alter_table("campaign_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_item_project_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_item_campaign_id"))

    op.drop_table("campaign_item")
    with op.batch_alter_table("annual_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_annual_plan_year_project")
        batch_op.drop_index(batch_op.f("ix_annual_plan_project_id"))
        batch_op.drop_index(batch_op.f("ix_annual_plan_created_by_id"))

    op.drop_table("annual_plan")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_ends_on"))
        batch_op.drop_index(batch_op.f("ix_campaign_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_archived_at"))

    op.drop_table("campaign")
