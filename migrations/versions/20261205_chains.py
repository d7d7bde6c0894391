"""industry chains: chain, segment, placements, target companies (issue 21)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 17:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("chain_leader_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chain_leader_id"], ["user.id"], name=op.f("fk_chain_chain_leader_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_chain_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_chain_department_id_department"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain")),
        sa.UniqueConstraint("name", name=op.f("uq_chain_name")),
    )
    with op.batch_alter_table("chain", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_chain_chain_leader_id"), ["chain_leader_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chain_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chain_department_id"), ["department_id"], unique=False)

    op.create_table(
        "chain_segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "stage",
            sa.Enum("upstream", "midstream", "downstream", name="segmentstage", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"], ["chain.id"], name=op.f("fk_chain_segment_chain_id_chain"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["chain_segment.id"],
            name=op.f("fk_chain_segment_parent_id_chain_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_segment")),
    )
    with op.batch_alter_table("chain_segment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_segment_chain_id"), ["chain_id"], unique=False)
        batch_op.create_index("ix_chain_segment_chain_parent", ["chain_id", "parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chain_segment_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "segment_company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("is_chain_master", sa.Boolean(), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_segment_company_company_id_company"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_segment_company_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["chain_segment.id"],
            name=op.f("fk_segment_company_segment_id_chain_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_company")),
        sa.UniqueConstraint("segment_id", "company_id", name="uq_segment_company"),
    )
    with op.batch_alter_table("segment_company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_segment_company_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_segment_company_segment_id"), ["segment_id"], unique=False)

    op.create_table(
        "target_company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("tier_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "priority",
            sa.Enum("high", "medium", "low", name="targetpriority", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "following", "signed", "dropped", name="targetstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chain_id"], ["chain.id"], name=op.f("fk_target_company_chain_id_chain"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_target_company_company_id_company"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_target_company_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_target_company_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["chain_segment.id"],
            name=op.f("fk_target_company_segment_id_chain_segment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tier_id"], ["ref_item.id"], name=op.f("fk_target_company_tier_id_ref_item"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_company")),
    )
    with op.batch_alter_table("target_company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_company_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index("ix_target_company_chain_segment", ["chain_id", "segment_id"], unique=False)
        batch_op.create_index("ix_target_company_chain_status", ["chain_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_priority"), ["priority"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_segment_id"), ["segment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_company_tier_id"), ["tier_id"], unique=False)

    op.create_table(
        "segment_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_segment_project_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_segment_project_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["chain_segment.id"],
            name=op.f("fk_segment_project_segment_id_chain_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_project")),
        sa.UniqueConstraint("segment_id", "project_id", name="uq_segment_project"),
    )
    with op.batch_alter_table("segment_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_segment_project_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_segment_project_segment_id"), ["segment_id"], unique=False)

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_lead_chain_id"), ["chain_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_target_id"), ["target_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_chain_id_chain"), "chain", ["chain_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_lead_target_id_target_company"), "target_company", ["target_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_lead_target_id_target_company"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_lead_chain_id_chain"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_lead_target_id"))
        batch_op.drop_index(batch_op.f("ix_lead_chain_id"))
        batch_op.drop_column("target_id")
        batch_op.drop_column("chain_id")

    with op.batch_alter_table("segment_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segment_project_segment_id"))
        batch_op.drop_index(batch_op.f("ix_segment_project_project_id"))

    op.drop_table("segment_project")
    with op.batch_alter_table("target_company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_company_tier_id"))
        batch_op.drop_index(batch_op.f("ix_target_company_status"))
        batch_op.drop_index(batch_op.f("ix_target_company_segment_id"))
        batch_op.drop_index(batch_op.f("ix_target_company_region"))
        batch_op.drop_index(batch_op.f("ix_target_company_priority"))
        batch_op.drop_index(batch_op.f("ix_target_company_name"))
        batch_op.drop_index(batch_op.f("ix_target_company_department_id"))
        batch_op.drop_index(batch_op.f("ix_target_company_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_target_company_company_id"))
        batch_op.drop_index("ix_target_company_chain_status")
        batch_op.drop_index("ix_target_company_chain_segment")
        batch_op.drop_index(batch_op.f("ix_target_company_archived_at"))

    op.drop_table("target_company")
    with op.batch_alter_table("segment_company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segment_company_segment_id"))
        batch_op.drop_index(batch_op.f("ix_segment_company_company_id"))

    op.drop_table("segment_company")
    with op.batch_alter_table("chain_segment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chain_segment_parent_id"))
        batch_op.drop_index("ix_chain_segment_chain_parent")
        batch_op.drop_index(batch_op.f("ix_chain_segment_chain_id"))

    op.drop_table("chain_segment")
    with op.batch_alter_table("chain", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chain_department_id"))
        batch_op.drop_index(batch_op.f("ix_chain_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_chain_chain_leader_id"))
        batch_op.drop_index(batch_op.f("ix_chain_archived_at"))

    op.drop_table("chain")
