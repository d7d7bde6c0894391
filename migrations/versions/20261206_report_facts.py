"""report facts: one narrow row per lead and per project with the dates each
reached each funnel step, the amounts counted at them (签约额 by the counting
rule) and the dimensions the reports filter by; backfilled from the records

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
    with op.batch_alter_table("lead_fact") as batch_op:
        for column in ("received_on", "contacted_on", "negotiating_on"):
            batch_op.create_index(batch_op.f(f"ix_lead_fact_{column}"), [column], unique=False)
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
        sa.ForeignKeyConstraint(["id"], ["project.id"], name=op.f("fk_project_fact_id_project"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_fact")),
    )
    with op.batch_alter_table("project_fact") as batch_op:
        for column in ("lead_id", "stage", "signed_on", "construction_on", "production_on", "last_agreement_on"):
            batch_op.create_index(batch_op.f(f"ix_project_fact_{column}"), [column], unique=False)

    # Backfill with the rule of this release (`flask facts rebuild` runs the
    # same). On a new database there is nothing to compute: skip it, so this
    # migration does not depend on later versions of the models.
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT 1 FROM lead UNION ALL SELECT 1 FROM project LIMIT 1")).first():
        from app.facts import rebuild

        rebuild(connection)


def downgrade():
    op.drop_table("project_fact")
    op.drop_table("lead_fact")
