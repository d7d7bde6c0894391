"""look-alike companies: names stored before (筹)/(筹建) notes were set aside
are normalised again, so a re-import finds them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    from app.companies.names import normalize_company_name  # the rule of this release

    connection = op.get_bind()
    company = sa.table("company", sa.column("id", sa.Integer), sa.column("name"), sa.column("normalized_name"))
    rows = connection.execute(sa.select(company.c.id, company.c.name).where(company.c.name.like("%筹%"))).all()
    for row in rows:
        connection.execute(
            company.update().where(company.c.id == row.id).values(normalized_name=normalize_company_name(row.name))
        )


def downgrade():
    pass  # the old normalisation kept the note; nothing depends on it
