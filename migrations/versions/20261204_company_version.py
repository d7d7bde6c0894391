"""trust round two: companies carry an optimistic-lock version; API tokens a
scope (read / write; tokens issued before are read-write)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("scope", sa.String(length=10), nullable=False, server_default="write"))


def downgrade():
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("scope")
    with op.batch_alter_table("company") as batch:
        batch.drop_column("version")
