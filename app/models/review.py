"""观摩评比 (on-site review and scoring): a review event (百日攻坚观摩,
季度项目观摩 …) with its scoring sheet (criteria and weights), the projects
visited, the reviewers, and each reviewer's score of each project on each
criterion; plus the admin-set weights of the composite 比学赶超 ranking.

Scores are 0–100 per criterion (`Numeric(5, 2)`, a `Decimal`); how they
combine is `app/reviews/scoring.py`. A closed event's scores are locked
(`app/reviews/services.py` refuses any change)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, enum_column, utcnow
from app.models.mixins import CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.org import Department, User
    from app.models.project import Project

SCORE = sa.Numeric(5, 2)
WEIGHT = sa.Numeric(7, 2)


class ReviewStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


_STATUS_LABELS = {ReviewStatus.OPEN: _l("评分中"), ReviewStatus.CLOSED: _l("已结束")}


review_reviewer = sa.Table(
    "review_reviewer",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("review_event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_review_reviewer_user_id", "user_id"),
)


class ReviewEvent(VersionedMixin, TimestampMixin, CreatedByMixin, db.Model):
    """One 观摩 with its scoring sheet, projects and reviewers."""

    __tablename__ = "review_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(50), nullable=False)  # 百日攻坚观摩, 季度项目观摩 …
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus), nullable=False, default=ReviewStatus.OPEN, index=True
    )
    # Drop each project's single highest and lowest reviewer score (≥ 3 reviewers).
    drop_extremes: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)
    closed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    closed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    criteria: Mapped[list[ReviewCriterion]] = relationship(
        back_populates="event", order_by="[ReviewCriterion.position, ReviewCriterion.id]", cascade="all, delete-orphan"
    )
    projects: Mapped[list[ReviewProject]] = relationship(
        back_populates="event", order_by="[ReviewProject.position, ReviewProject.id]", cascade="all, delete-orphan"
    )
    reviewers: Mapped[list[User]] = relationship(secondary=review_reviewer, order_by="User.name")

    @property
    def is_open(self) -> bool:
        return self.status is ReviewStatus.OPEN

    def __repr__(self) -> str:
        return f"<ReviewEvent {self.id} {self.name!r} {self.status.value}>"


class ReviewCriterion(db.Model):
    """One line of the scoring sheet: 投资规模, 建设进度 … and its weight."""

    __tablename__ = "review_criterion"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name", name="uq_review_criterion_name"),
        sa.CheckConstraint("weight > 0", name="criterion_weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_event.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    weight: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    event: Mapped[ReviewEvent] = relationship(back_populates="criteria")


class ReviewProject(db.Model):
    """A project visited; its department is kept as it was at the visit, so
    a later change of lead department does not rewrite a past 通报."""

    __tablename__ = "review_project"
    __table_args__ = (sa.UniqueConstraint("event_id", "project_id", name="uq_review_project"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_event.id", ondelete="CASCADE"), nullable=False, index=True
    )
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    event: Mapped[ReviewEvent] = relationship(back_populates="projects")
    project: Mapped[Project] = relationship()
    department: Mapped[Optional[Department]] = relationship()


class ReviewScore(db.Model):
    """One reviewer's score (0–100) of one visited project on one criterion."""

    __tablename__ = "review_score"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "reviewer_id", "criterion_id", name="uq_review_score"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        sa.Index("ix_review_score_event_reviewer", "event_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("review_event.id", ondelete="CASCADE"), nullable=False)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_criterion.id", ondelete="CASCADE"), nullable=False, index=True
    )
    score: Mapped[Decimal] = mapped_column(SCORE, nullable=False)
    scored_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class RankingWeight(db.Model):
    """The admin-set weight of one part of the composite 比学赶超 ranking
    (`app/reports/ranking.py` names the parts and their defaults)."""

    __tablename__ = "ranking_weight"
    __table_args__ = (sa.CheckConstraint("weight >= 0", name="ranking_weight_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part: Mapped[str] = mapped_column(sa.String(30), nullable=False, unique=True)
    weight: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
