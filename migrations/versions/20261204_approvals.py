"""联审联批: approval items of projects (type, approving department, dates,
status), approval meetings and their decisions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:47:16.940269

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "approval_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chair_id"], ["user.id"], name=op.f("fk_approval_meeting_chair_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_approval_meeting_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_meeting")),
    )
    with op.batch_alter_table("approval_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_meeting_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_meeting_held_on"), ["held_on"], unique=False)

    op.create_table(
        "approval_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "submitted", "approved", "not_needed", name="approvalstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("not_needed_reason", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "approved_on IS NULL OR submitted_on IS NULL OR approved_on >= submitted_on",
            name=op.f("ck_approval_item_approval_dates_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_approval_item_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_approval_item_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_approval_item_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["type_id"], ["ref_item.id"], name=op.f("fk_approval_item_type_id_ref_item"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_item")),
    )
    with op.batch_alter_table("approval_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_item_approved_on"), ["approved_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_item_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_item_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index("ix_approval_item_department_status", ["department_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_item_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_item_project_id"), ["project_id"], unique=False)
        batch_op.create_index("ix_approval_item_status_due", ["status", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_item_type_id"), ["type_id"], unique=False)

    op.create_table(
        "approval_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["approval_item.id"],
            name=op.f("fk_approval_decision_item_id_approval_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["approval_meeting.id"],
            name=op.f("fk_approval_decision_meeting_id_approval_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_decision")),
        sa.UniqueConstraint("meeting_id", "item_id", name="uq_approval_decision"),
    )
    with op.batch_alter_table("approval_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_decision_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_decision_meeting_id"), ["meeting_id"], unique=False)


def downgrade():
    with op.batch_alter_table("approval_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_decision_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_approval_decision_item_id"))

    op.drop_table("approval_decision")
    with op.batch_alter_table("approval_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_item_type_id"))
        batch_op.drop_index("ix_approval_item_status_due")
        batch_op.drop_index(batch_op.f("ix_approval_item_project_id"))
        batch_op.drop_index(batch_op.f("ix_approval_item_due_on"))
        batch_op.drop_index("ix_approval_item_department_status")
        batch_op.drop_index(batch_op.f("ix_approval_item_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_approval_item_archived_at"))
        batch_op.drop_index(batch_op.f("ix_approval_item_approved_on"))

    op.drop_table("approval_item")
    with op.batch_alter_table("approval_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_meeting_held_on"))
        batch_op.drop_index(batch_op.f("ix_approval_meeting_created_by_id"))

    op.drop_table("approval_meeting")
