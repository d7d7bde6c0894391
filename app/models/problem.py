"""Problems (问题直报 / 要素保障) raised on projects — or on a company alone
(企业诉求, 万人助万企) — and every step of their life cycle up to 销号."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, enum_column, utcnow
from app.models.enums import ProblemStatus
from app.models.mixins import ArchiveMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.company import Company
    from app.models.org import Department, RefItem, User
    from app.models.project import Project


class Problem(VersionedMixin, TimestampMixin, ArchiveMixin, db.Model):
    __tablename__ = "problem"
    __table_args__ = (
        sa.Index("ix_problem_status_deadline", "status", "deadline"),
        # The overdue problems by department and 督办 level (督查's home) and
        # the home panels' first ten read this index alone, not the rows.
        sa.Index(
            "ix_problem_pending", "status", "archived_at", "deadline", "responsible_department_id", "supervised_level"
        ),
        # A problem belongs to a project, or to a company alone (企业诉求).
        sa.CheckConstraint("project_id IS NOT NULL OR company_id IS NOT NULL", name="problem_has_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    raised_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    raised_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    responsible_department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    deadline: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    status: Mapped[ProblemStatus] = mapped_column(
        enum_column(ProblemStatus), nullable=False, default=ProblemStatus.REPORTED, index=True
    )
    resolution: Mapped[Optional[str]] = mapped_column(sa.Text)
    answered_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    resolved_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    # 督办: the level leaders' 督办意见 raised it to (0 none, 1 蓝, 2 黄, 3 红);
    # while the problem is pending its level is the higher of this and the
    # one its overdue weeks give (app/problems/rules.py).
    supervised_level: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0, server_default="0")

    project: Mapped[Optional[Project]] = relationship(back_populates="problems")
    company: Mapped[Optional[Company]] = relationship()
    category: Mapped[Optional[RefItem]] = relationship()
    raised_by: Mapped[Optional[User]] = relationship(foreign_keys=[raised_by_id])
    responsible_department: Mapped[Optional[Department]] = relationship()
    events: Mapped[list[ProblemEvent]] = relationship(
        back_populates="problem", order_by="ProblemEvent.at", cascade="all, delete-orphan"
    )

    @property
    def subject_name(self) -> str:
        """The project's name, or the company's for a 企业诉求."""
        if self.project is not None:
            return self.project.name
        return self.company.name if self.company is not None else ""

    def __repr__(self) -> str:
        return f"<Problem {self.id} {self.status.value}>"


class ProblemEvent(db.Model):
    """One step of a problem's life: who moved it from what to what, and why."""

    __tablename__ = "problem_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(sa.ForeignKey("problem.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status: Mapped[Optional[ProblemStatus]] = mapped_column(enum_column(ProblemStatus))
    to_status: Mapped[ProblemStatus] = mapped_column(enum_column(ProblemStatus), nullable=False)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    note: Mapped[Optional[str]] = mapped_column(sa.Text)
    # A leader's 督办意见: the level it raised the problem to (the status stays).
    escalated_to: Mapped[Optional[int]] = mapped_column(sa.Integer)

    problem: Mapped[Problem] = relationship(back_populates="events")
    actor: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<ProblemEvent problem={self.problem_id} -> {self.to_status.value}>"
