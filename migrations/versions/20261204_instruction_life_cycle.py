"""The 批示 life cycle: 签收 → 办理 → 反馈 → 办结 (or sent back), with a 办理时限,
the team's answer, who closed it, and every step as an event; instructions
acknowledged before are 办理中

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 21:35:14.707041

"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "instruction_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instruction_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "issued", "acknowledged", "answered", "closed", name="instructionstatus", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "issued", "acknowledged", "answered", "closed", name="instructionstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_instruction_event_actor_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["instruction_id"],
            ["instruction.id"],
            name=op.f("fk_instruction_event_instruction_id_instruction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruction_event")),
    )
    with op.batch_alter_table("instruction_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instruction_event_instruction_id"), ["instruction_id"], unique=False)

    with op.batch_alter_table("instruction", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "issued",
                    "acknowledged",
                    "answered",
                    "closed",
                    name="instructionstatus",
                    native_enum=False,
                    length=20,
                ),
                server_default="issued",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index("ix_instruction_status_due", ["status", "due_on"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_instruction_answered_by_id_user"), "user", ["answered_by_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_instruction_closed_by_id_user"), "user", ["closed_by_id"], ["id"], ondelete="SET NULL"
        )

    # What was acknowledged before is being handled (办理中).
    op.execute("UPDATE instruction SET status = 'acknowledged' WHERE acknowledged_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table("instruction", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_instruction_closed_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_instruction_answered_by_id_user"), type_="foreignkey")
        batch_op.drop_index("ix_instruction_status_due")
        batch_op.drop_column("version")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_by_id")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("answered_by_id")
        batch_op.drop_column("answer")
        batch_op.drop_column("due_on")
        batch_op.drop_column("status")

    with op.batch_alter_table("instruction_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instruction_event_instruction_id"))

    op.drop_table("instruction_event")
