"""观摩评比 reviews and ranking weights (issue 22): review events with their
scoring sheet (criteria and weights), the projects visited, the reviewers and
their scores; the admin-set weights of the composite 比学赶超 ranking

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 17:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ranking_weight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=30), nullable=False),
        sa.Column("weight", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("weight >= 0", name=op.f("ck_ranking_weight_ranking_weight_nonnegative")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_ranking_weight_updated_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_weight")),
        sa.UniqueConstraint("part", name=op.f("uq_ranking_weight_part")),
    )
    op.create_table(
        "review_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column(
            "status", sa.Enum("open", "closed", name="reviewstatus", native_enum=False, length=20), nullable=False
        ),
        sa.Column("drop_extremes", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user.id"], name=op.f("fk_review_event_closed_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_review_event_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_event")),
    )
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_event_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_event_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_event_status"), ["status"], unique=False)

    op.create_table(
        "review_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("weight", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("weight > 0", name=op.f("ck_review_criterion_criterion_weight_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["review_event.id"],
            name=op.f("fk_review_criterion_event_id_review_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_criterion")),
        sa.UniqueConstraint("event_id", "name", name="uq_review_criterion_name"),
    )
    with op.batch_alter_table("review_criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_criterion_event_id"), ["event_id"], unique=False)

    op.create_table(
        "review_reviewer",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["review_event.id"], name=op.f("fk_review_reviewer_event_id_review_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_review_reviewer_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_review_reviewer")),
    )
    with op.batch_alter_table("review_reviewer", schema=None) as batch_op:
        batch_op.create_index("ix_review_reviewer_user_id", ["user_id"], unique=False)

    op.create_table(
        "review_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_review_project_department_id_department"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["review_event.id"], name=op.f("fk_review_project_event_id_review_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_review_project_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_project")),
        sa.UniqueConstraint("event_id", "project_id", name="uq_review_project"),
    )
    with op.batch_alter_table("review_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_project_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_project_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_project_project_id"), ["project_id"], unique=False)

    op.create_table(
        "review_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 100", name=op.f("ck_review_score_score_range")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["review_criterion.id"],
            name=op.f("fk_review_score_criterion_id_review_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["review_event.id"], name=op.f("fk_review_score_event_id_review_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["review_project.id"], name=op.f("fk_review_score_item_id_review_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user.id"], name=op.f("fk_review_score_reviewer_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_score")),
        sa.UniqueConstraint("item_id", "reviewer_id", "criterion_id", name="uq_review_score"),
    )
    with op.batch_alter_table("review_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_score_criterion_id"), ["criterion_id"], unique=False)
        batch_op.create_index("ix_review_score_event_reviewer", ["event_id", "reviewer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_score_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_score_reviewer_id"), ["reviewer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("review_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_score_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_review_score_item_id"))
        batch_op.drop_index("ix_review_score_event_reviewer")
        batch_op.drop_index(batch_op.f("ix_review_score_criterion_id"))

    op.drop_table("review_score")
    with op.batch_alter_table("review_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_project_project_id"))
        batch_op.drop_index(batch_op.f("ix_review_project_event_id"))
        batch_op.drop_index(batch_op.f("ix_review_project_department_id"))

    op.drop_table("review_project")
    with op.batch_alter_table("review_reviewer", schema=None) as batch_op:
        batch_op.drop_index("ix_review_reviewer_user_id")

    op.drop_table("review_reviewer")
    with op.batch_alter_table("review_criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_criterion_event_id"))

    op.drop_table("review_criterion")
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_event_status"))
        batch_op.drop_index(batch_op.f("ix_review_event_held_on"))
        batch_op.drop_index(batch_op.f("ix_review_event_created_by_id"))

    op.drop_table("review_event")
    op.drop_table("ranking_weight")
