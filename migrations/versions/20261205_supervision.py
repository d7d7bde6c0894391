"""supervision: company problems, inspections (issue 22)

A problem belongs to a project or to a company alone (企业诉求): project_id
becomes nullable, company_id is added, and a CHECK asks for one of them.
Inspections (营商环境督办) with their findings and life-cycle events.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 17:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KIND = sa.Enum("inspection", "unannounced", "company_visit", name="inspectionkind", native_enum=False, length=20)


def _status() -> sa.Enum:
    return sa.Enum("rectifying", "answered", "closed", name="inspectionstatus", native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_id", sa.Integer(), nullable=True))
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_problem_company_id"), ["company_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_problem_company_id_company"), "company", ["company_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_problem_problem_has_subject"), "project_id IS NOT NULL OR company_id IS NOT NULL"
        )

    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("responsible_department_id", sa.Integer(), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_inspection_company_id_company"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_inspection_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_inspection_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_department_id"],
            ["department.id"],
            name=op.f("fk_inspection_responsible_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection")),
    )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_closed_on"), ["closed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_inspected_on"), ["inspected_on"], unique=False)
        batch_op.create_index("ix_inspection_responsible_status", ["responsible_department_id", "status"], unique=False)
        batch_op.create_index("ix_inspection_status_deadline", ["status", "deadline"], unique=False)

    op.create_table(
        "inspection_finding",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["ref_item.id"], name=op.f("fk_inspection_finding_finding_id_ref_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
            name=op.f("fk_inspection_finding_inspection_id_inspection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inspection_id", "finding_id", name=op.f("pk_inspection_finding")),
    )
    with op.batch_alter_table("inspection_finding", schema=None) as batch_op:
        batch_op.create_index("ix_inspection_finding_finding_id", ["finding_id"], unique=False)

    op.create_table(
        "inspection_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("from_status", _status(), nullable=True),
        sa.Column("to_status", _status(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_inspection_event_actor_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
            name=op.f("fk_inspection_event_inspection_id_inspection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_event")),
    )
    with op.batch_alter_table("inspection_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_event_inspection_id"), ["inspection_id"], unique=False)


def downgrade():
    with op.batch_alter_table("inspection_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_event_inspection_id"))
    op.drop_table("inspection_event")
    with op.batch_alter_table("inspection_finding", schema=None) as batch_op:
        batch_op.drop_index("ix_inspection_finding_finding_id")
    op.drop_table("inspection_finding")
    op.drop_table("inspection")
    # Company problems have no project to fall back on: they go with the column.
    op.execute("DELETE FROM problem WHERE project_id IS NULL")
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_problem_problem_has_subject"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_problem_company_id_company"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_problem_company_id"))
        batch_op.drop_column("company_id")
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=False)
