"""招商活动: investment-promotion activities (trips, 推介会, fairs, 驻地招商,
小分队招商, 来访接待) with their leading leaders, participants and regions,
and the year's or quarter's plan of activities (招商计划) they realise.

Visits, leads and projects name the activity they came from
(`activity_id` on each); what an activity produced is counted through those
links (`app/activities/outcomes.py`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, db
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.org import Department, RefItem, User

activity_leader = sa.Table(
    "activity_leader",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_activity_leader_user_id", "user_id"),
)

activity_participant = sa.Table(
    "activity_participant",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_activity_participant_user_id", "user_id"),
)

activity_plan_industry = sa.Table(
    "activity_plan_industry",
    db.metadata,
    sa.Column("plan_id", sa.ForeignKey("activity_plan.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("industry_id", sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), primary_key=True),
)


class ActivityPlan(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    """A planned activity (招商计划) of a year, optionally of a quarter."""

    __tablename__ = "activity_plan"
    __table_args__ = (
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="activity_plan_year_range"),
        sa.CheckConstraint("quarter IS NULL OR quarter BETWEEN 1 AND 4", name="activity_plan_quarter_range"),
        sa.Index("ix_activity_plan_year_quarter", "year", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    quarter: Mapped[Optional[int]] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    regions: Mapped[Optional[str]] = mapped_column(sa.String(500))  # 目标地区, as typed (上海、深圳)
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    leader_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)

    kind: Mapped[Optional[RefItem]] = relationship()
    department: Mapped[Department] = relationship()
    leader: Mapped[Optional[User]] = relationship(foreign_keys=[leader_id])
    industries: Mapped[list[RefItem]] = relationship(secondary=activity_plan_industry, order_by="RefItem.sort_order")
    activities: Mapped[list[Activity]] = relationship(back_populates="plan", order_by="Activity.start_on")

    def __repr__(self) -> str:
        return f"<ActivityPlan {self.id} {self.year} {self.title}>"


class Activity(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    """One activity. `away` marks an activity held outside the district (外出
    招商): those are the trips counted in 外出招商次数 and 外出天数."""

    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint("end_on >= start_on", name="activity_dates_in_order"),
        sa.CheckConstraint("budget IS NULL OR budget >= 0", name="activity_budget_nonnegative"),
        sa.Index("ix_activity_department_start", "department_id", "start_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    start_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    end_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    away: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    plan_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("activity_plan.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[Optional[str]] = mapped_column(sa.Text)
    summary: Mapped[Optional[str]] = mapped_column(sa.Text)  # 成果
    budget: Mapped[Optional[Decimal]] = mapped_column(Money)  # 万元

    kind: Mapped[RefItem] = relationship()
    department: Mapped[Department] = relationship()
    plan: Mapped[Optional[ActivityPlan]] = relationship(back_populates="activities")
    leaders: Mapped[list[User]] = relationship(secondary=activity_leader, order_by="User.name")
    participants: Mapped[list[User]] = relationship(secondary=activity_participant, order_by="User.name")
    regions: Mapped[list[ActivityRegion]] = relationship(
        back_populates="activity", order_by="ActivityRegion.position", cascade="all, delete-orphan"
    )

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1

    @property
    def region_names(self) -> list[str]:
        return [r.name for r in self.regions]

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.start_on} {self.title}>"


class ActivityRegion(db.Model):
    """A city or region an activity went to (in the order typed): the report
    groups by these names."""

    __tablename__ = "activity_region"
    __table_args__ = (sa.UniqueConstraint("activity_id", "name", name="uq_activity_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(sa.String(50), nullable=False, index=True)

    activity: Mapped[Activity] = relationship(back_populates="regions")
