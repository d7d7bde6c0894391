"""Project delivery after signing: the annual key-project list (年度计划),
monthly investment reports (投资月报) with their revisions, and the 三个一批
campaigns. Year-to-date and cumulative completed investment are maintained
on the plan and the project by the services, never typed twice."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, db, enum_column, utcnow
from app.models.enums import Batch, ReportStatus
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.org import User
    from app.models.project import Project


class AnnualPlan(VersionedMixin, TimestampMixin, CreatedByMixin, db.Model):
    """A project on year `year`'s key-project list, with its planned investment
    for the year. `completed` (the year's reported months summed) and
    `reported_through` (the latest month reported) are maintained."""

    __tablename__ = "annual_plan"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "year", name="uq_annual_plan_project_year"),
        sa.CheckConstraint("planned_investment >= 0", name="plan_investment_nonnegative"),
        sa.Index("ix_annual_plan_year_project", "year", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    planned_investment: Mapped[Decimal] = mapped_column(Money, nullable=False)
    planned_start_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    planned_production_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    content: Mapped[Optional[str]] = mapped_column(sa.Text)
    completed: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    reported_through: Mapped[Optional[date]] = mapped_column(sa.Date)

    project: Mapped[Project] = relationship()
    months: Mapped[list[PlanMonth]] = relationship(
        back_populates="plan", order_by="PlanMonth.month", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<AnnualPlan project={self.project_id} {self.year}>"


class PlanMonth(db.Model):
    """The plan's monthly phasing (分月计划), when given: the month's planned
    amount and the cumulative through it (the schedule line)."""

    __tablename__ = "plan_month"
    __table_args__ = (sa.CheckConstraint("month BETWEEN 1 AND 12", name="plan_month_range"),)

    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("annual_plan.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    planned: Mapped[Decimal] = mapped_column(Money, nullable=False)
    cumulative: Mapped[Decimal] = mapped_column(Money, nullable=False)

    plan: Mapped[AnnualPlan] = relationship(back_populates="months")


class InvestmentReport(VersionedMixin, TimestampMixin, db.Model):
    """投资月报: investment completed by a project in one month (万元) and what
    was built. Reviewed months are locked; a later correction is a revision."""

    __tablename__ = "investment_report"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "month", name="uq_investment_report_project_month"),
        sa.CheckConstraint("completed >= 0", name="report_completed_nonnegative"),
        sa.Index("ix_investment_report_month_project", "month", "project_id"),
        # A year's reports of the listed projects, summed per month, from the
        # index alone (投资完成情况's monthly line).
        sa.Index("ix_investment_report_project_completed", "project_id", "month", "completed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    # First day of the month reported.
    month: Mapped[date] = mapped_column(sa.Date, nullable=False)
    completed: Mapped[Decimal] = mapped_column(Money, nullable=False)
    progress: Mapped[Optional[str]] = mapped_column(sa.Text)  # 形象进度
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus), nullable=False, default=ReportStatus.SUBMITTED, index=True
    )
    revision: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    reported_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)

    project: Mapped[Project] = relationship()
    reported_by: Mapped[Optional[User]] = relationship(foreign_keys=[reported_by_id])
    reviewed_by: Mapped[Optional[User]] = relationship(foreign_keys=[reviewed_by_id])
    revisions: Mapped[list[InvestmentRevision]] = relationship(
        back_populates="report", order_by="InvestmentRevision.revision", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<InvestmentReport project={self.project_id} {self.month:%Y-%m} {self.completed}>"


class InvestmentRevision(db.Model):
    """A correction of a reviewed month: what it was, what it became, why."""

    __tablename__ = "investment_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("investment_report.id", ondelete="CASCADE"), nullable=False, index=True
    )
    revision: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    previous_completed: Mapped[Decimal] = mapped_column(Money, nullable=False)
    completed: Mapped[Decimal] = mapped_column(Money, nullable=False)
    previous_progress: Mapped[Optional[str]] = mapped_column(sa.Text)
    progress: Mapped[Optional[str]] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    changed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    report: Mapped[InvestmentReport] = relationship(back_populates="revisions")
    changed_by: Mapped[Optional[User]] = relationship()


class Campaign(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    """A 三个一批 campaign (签约一批、开工一批、投产一批) over a period."""

    __tablename__ = "campaign"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="campaign_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)

    items: Mapped[list[CampaignItem]] = relationship(
        back_populates="campaign", order_by="CampaignItem.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.name}>"


class CampaignItem(db.Model):
    """A project named in one batch of a campaign, with its planned date. It
    is ticked off (销号) from the project's maintained stage dates."""

    __tablename__ = "campaign_item"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "project_id", "batch", name="uq_campaign_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True
    )
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    batch: Mapped[Batch] = mapped_column(enum_column(Batch), nullable=False)
    planned_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))

    campaign: Mapped[Campaign] = relationship(back_populates="items")
    project: Mapped[Project] = relationship()
