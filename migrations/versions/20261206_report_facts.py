"""report facts: one narrow row per lead and per project with the dates each
reached each funnel step, the amounts counted at them (签约额 by the counting
rule) and the dimensions the reports filter by; backfilled from the records;
each project's status light as of a day; a covering index for counting
visits per department over a period

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 4, asdecimal=True)


def upgrade():
    op.create_table(
        "lead_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("owner_department_id", sa.Integer(), nullable=False),
        sa.Column("industry_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("chain_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=True),
        sa.Column("negotiating_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["id"], ["lead.id"], name=op.f("fk_lead_fact_id_lead"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_fact")),
    )
    op.create_index(
        "ix_lead_fact_report",
        "lead_fact",
        ["owner_department_id", "received_on", "archived_at", "amount", "contacted_on", "negotiating_on"],
    )
    op.create_table(
        "project_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("lead_department_id", sa.Integer(), nullable=True),
        sa.Column("industry_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("responsible_leader_id", sa.Integer(), nullable=True),
        sa.Column("kind_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.Enum("province", "city", "district", name="projectlevel", native_enum=False, length=20)),
        sa.Column(
            "stage",
            sa.Enum(
                "planning",
                "attracting",
                "signed",
                "landed",
                "construction",
                "production",
                "exited",
                name="stage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("planned_investment", MONEY, nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("construction_on", sa.Date(), nullable=True),
        sa.Column("production_on", sa.Date(), nullable=True),
        sa.Column("signed_amount", MONEY, nullable=False),
        sa.Column("last_agreement_on", sa.Date(), nullable=True),
        sa.Column("light", sa.String(length=6), nullable=True),
        sa.Column("light_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["id"], ["project.id"], name=op.f("fk_project_fact_id_project"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_fact")),
    )
    op.create_index("ix_project_fact_lead_id", "project_fact", ["lead_id"])
    op.create_index("ix_project_fact_last_agreement_on", "project_fact", ["last_agreement_on"])
    op.create_index("ix_project_fact_light_on", "project_fact", ["light_on"])
    op.create_index(
        "ix_project_fact_department",
        "project_fact",
        [
            "lead_department_id",
            "stage",
            "archived_at",
            "planned_investment",
            "signed_on",
            "construction_on",
            "production_on",
            "signed_amount",
        ],
    )
    op.create_index(
        "ix_project_fact_industry", "project_fact", ["industry_id", "stage", "archived_at", "planned_investment"]
    )

    op.create_index("ix_visit_report", "visit", ["department_id", "visited_on", "archived_at"])

    # Backfill with the rule of this release (`flask facts rebuild` runs the
    # same). On a new database there is nothing to compute: skip it, so this
    # migration does not depend on later versions of the models.
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT 1 FROM lead UNION ALL SELECT 1 FROM project LIMIT 1")).first():
        from app.facts import rebuild

        rebuild(connection)


def downgrade():
    op.drop_index("ix_visit_report", table_name="visit")
    op.drop_table("project_fact")
    op.drop_table("lead_fact")
