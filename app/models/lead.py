"""Leads (招商线索), their status history and visits (拜访/对接记录)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, db, enum_column, trigram_index, utcnow
from app.models.enums import LeadStatus
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.activity import Activity
    from app.models.chain import Chain, TargetCompany
    from app.models.company import Company
    from app.models.org import Department, RefItem, User
    from app.models.project import Project


class Lead(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    __tablename__ = "lead"
    __table_args__ = (
        sa.CheckConstraint("intended_investment >= 0", name="intended_investment_nonnegative"),
        sa.Index("ix_lead_dept_received", "owner_department_id", "received_on"),
        sa.Index("ix_lead_status_received", "status", "received_on"),
        # The list filtered by industry (the commonest filter) counts and
        # sorts on this index alone: at 100,000 leads 10 ms → 0.5 ms each.
        sa.Index("ix_lead_industry_list", "industry_id", "archived_at", "status", "received_on"),
        # What an activity produced (its leads and their companies) from the
        # index alone: a leader's home page, the activity list and report.
        sa.Index("ix_lead_activity_outcome", "activity_id", "archived_at", "company_id"),
        trigram_index("ix_lead_title_trgm", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("company.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    source_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    industry_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    intended_investment: Mapped[Optional[Decimal]] = mapped_column(Money, index=True)
    contact_name: Mapped[Optional[str]] = mapped_column(sa.String(50))
    contact_phone: Mapped[Optional[str]] = mapped_column(sa.String(30))
    intended_location: Mapped[Optional[str]] = mapped_column(sa.String(200))
    description: Mapped[Optional[str]] = mapped_column(sa.Text)
    owner_department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    owner_user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)

    status: Mapped[LeadStatus] = mapped_column(
        enum_column(LeadStatus), nullable=False, default=LeadStatus.NEW, index=True
    )
    status_changed_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    # Where un-shelving returns to.
    status_before_shelve: Mapped[Optional[LeadStatus]] = mapped_column(enum_column(LeadStatus))
    shelve_reason_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"))
    shelve_note: Mapped[Optional[str]] = mapped_column(sa.Text)
    # Maintained milestones of the funnel: when the lead first reached a step
    # (kept when it is shelved later, so the funnel never loses a step).
    contacted_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    negotiating_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    converted_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    # Maintained by the visit service, so lists sort and filter without joins.
    last_visit_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    # The 招商活动 the lead was collected at (a fair, a trip).
    activity_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    # 产业链招商: the chain and the target company (招商目标企业) the lead came from.
    chain_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("chain.id", ondelete="SET NULL"), index=True)
    target_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("target_company.id", ondelete="SET NULL"), index=True
    )
    # 撞单: another department already followed this company.
    has_conflict: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False, index=True)

    company: Mapped[Company] = relationship()
    source: Mapped[Optional[RefItem]] = relationship(foreign_keys=[source_id])
    industry: Mapped[Optional[RefItem]] = relationship(foreign_keys=[industry_id])
    shelve_reason: Mapped[Optional[RefItem]] = relationship(foreign_keys=[shelve_reason_id])
    owner_department: Mapped[Department] = relationship()
    owner_user: Mapped[Optional[User]] = relationship(foreign_keys=[owner_user_id])
    status_changes: Mapped[list[LeadStatusChange]] = relationship(
        back_populates="lead", order_by="LeadStatusChange.changed_at", cascade="all, delete-orphan"
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="lead", order_by="Visit.visited_on.desc()")
    projects: Mapped[list[Project]] = relationship(back_populates="origin_lead")
    activity: Mapped[Optional[Activity]] = relationship()
    chain: Mapped[Optional[Chain]] = relationship()
    target: Mapped[Optional[TargetCompany]] = relationship()

    def __repr__(self) -> str:
        return f"<Lead {self.id} {self.title} {self.status.value}>"


class LeadStatusChange(db.Model):
    __tablename__ = "lead_status_change"
    # Each change's next one (周期分析's stays) read in this order, unsorted.
    __table_args__ = (sa.Index("ix_lead_status_change_stays", "lead_id", "changed_at", "id", "to_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("lead.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status: Mapped[Optional[LeadStatus]] = mapped_column(enum_column(LeadStatus))
    to_status: Mapped[LeadStatus] = mapped_column(enum_column(LeadStatus), nullable=False, index=True)
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow, index=True)
    changed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"))
    note: Mapped[Optional[str]] = mapped_column(sa.Text)

    lead: Mapped[Lead] = relationship(back_populates="status_changes")
    changed_by: Mapped[Optional[User]] = relationship()
    reason: Mapped[Optional[RefItem]] = relationship()

    def __repr__(self) -> str:
        return f"<LeadStatusChange lead={self.lead_id} {self.from_status} -> {self.to_status}>"


visit_participant = sa.Table(
    "visit_participant",
    db.metadata,
    sa.Column("visit_id", sa.ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_visit_participant_user_id", "user_id"),
)


class Visit(TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    __tablename__ = "visit"
    __table_args__ = (
        sa.CheckConstraint("lead_id IS NOT NULL OR project_id IS NOT NULL", name="visit_has_subject"),
        sa.CheckConstraint("follow_up_on IS NULL OR follow_up_on >= visited_on", name="follow_up_after_visit"),
        # Visits counted per department over a period (目标考核, 对接走访统计)
        # read this index alone, not 500,000 rows.
        sa.Index("ix_visit_report", "department_id", "visited_on", "archived_at"),
        # A period's visits by department, kind and person and the companies
        # they met (对接走访统计) from the index alone.
        sa.Index(
            "ix_visit_period",
            "archived_at",
            "visited_on",
            "department_id",
            "kind_id",
            "created_by_id",
            "lead_id",
            "project_id",
        ),
        # What an activity produced (its visits and whom they met) from the
        # index alone: a leader's home page, the activity list and report.
        sa.Index("ix_visit_activity_outcome", "activity_id", "archived_at", "lead_id", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), index=True)
    # The department the visit is counted for (activity reports, scope).
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    visited_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    kind_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    place: Mapped[Optional[str]] = mapped_column(sa.String(200))
    leader_present_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    counterpart: Mapped[Optional[str]] = mapped_column(sa.String(500))
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    outcome: Mapped[Optional[str]] = mapped_column(sa.Text)
    next_step: Mapped[Optional[str]] = mapped_column(sa.Text)
    follow_up_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    follow_up_done: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # The 招商活动 the visit was made during.
    activity_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("activity.id", ondelete="SET NULL"), index=True)

    lead: Mapped[Optional[Lead]] = relationship(back_populates="visits")
    project: Mapped[Optional[Project]] = relationship(back_populates="visits")
    department: Mapped[Department] = relationship()
    kind: Mapped[Optional[RefItem]] = relationship()
    leader_present: Mapped[Optional[User]] = relationship(foreign_keys=[leader_present_id])
    participants: Mapped[list[User]] = relationship(secondary=visit_participant)
    created_by: Mapped[Optional[User]] = relationship(foreign_keys="Visit.created_by_id")
    activity: Mapped[Optional[Activity]] = relationship()

    def __repr__(self) -> str:
        return f"<Visit {self.id} on {self.visited_on}>"
