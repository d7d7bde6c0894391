"""督办 on problems: the level leaders' 督办意见 raised a problem to, and the
level each 督办意见 event raised it to

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:30:37.339694

"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supervised_level", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("problem_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_to", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("problem_event", schema=None) as batch_op:
        batch_op.drop_column("escalated_to")

    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_column("supervised_level")
