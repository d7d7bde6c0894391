"""产业链招商: industry chains (产业链) under a 链长, their segments (环节) as a
tree, the local companies (本地企业, 链主企业 flagged) and projects placed on
segments, and the target companies (招商目标企业) the district wants there.

A segment's strength (缺链 / 弱链 / 强链) is counted from the placements and
the projects' signing (`app/chains/strength.py`), never stored."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, enum_column, utcnow
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.company import Company
    from app.models.org import Department, RefItem, User
    from app.models.project import Project


class _Labeled(enum.Enum):
    @property
    def label(self) -> str:
        return str(_CHAIN_LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class SegmentStage(_Labeled):
    """Where a segment sits on the chain."""

    UPSTREAM = "upstream"
    MIDSTREAM = "midstream"
    DOWNSTREAM = "downstream"


class TargetPriority(_Labeled):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class TargetStatus(_Labeled):
    """A target company: 未对接 → 跟进中 (a lead opened on it) → 已签约 /
    已放弃."""

    PENDING = "pending"
    FOLLOWING = "following"
    SIGNED = "signed"
    DROPPED = "dropped"


_CHAIN_LABELS: dict[enum.Enum, object] = {
    SegmentStage.UPSTREAM: _l("上游"),
    SegmentStage.MIDSTREAM: _l("中游"),
    SegmentStage.DOWNSTREAM: _l("下游"),
    TargetPriority.HIGH: _l("高"),
    TargetPriority.MEDIUM: _l("中"),
    TargetPriority.LOW: _l("低"),
    TargetStatus.PENDING: _l("未对接"),
    TargetStatus.FOLLOWING: _l("跟进中"),
    TargetStatus.SIGNED: _l("已签约"),
    TargetStatus.DROPPED: _l("已放弃"),
}


class Chain(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    """An industry chain (产业链) with its 链长 (a leader) and lead department."""

    __tablename__ = "chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False, unique=True)
    chain_leader_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[Optional[str]] = mapped_column(sa.Text)
    sort_order: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    chain_leader: Mapped[Optional[User]] = relationship(foreign_keys=[chain_leader_id])
    department: Mapped[Optional[Department]] = relationship()
    segments: Mapped[list[ChainSegment]] = relationship(
        back_populates="chain", order_by="(ChainSegment.sort_order, ChainSegment.id)", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Chain {self.id} {self.name}>"


class ChainSegment(TimestampMixin, db.Model):
    """A segment (环节) of a chain; `parent_id` makes sub-segments."""

    __tablename__ = "chain_segment"
    __table_args__ = (sa.Index("ix_chain_segment_chain_parent", "chain_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(sa.ForeignKey("chain.id", ondelete="CASCADE"), nullable=False, index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("chain_segment.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    stage: Mapped[SegmentStage] = mapped_column(enum_column(SegmentStage), nullable=False)
    sort_order: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    description: Mapped[Optional[str]] = mapped_column(sa.Text)

    chain: Mapped[Chain] = relationship(back_populates="segments")
    parent: Mapped[Optional[ChainSegment]] = relationship(remote_side="ChainSegment.id")

    def __repr__(self) -> str:
        return f"<ChainSegment {self.id} {self.name}>"


class SegmentCompany(db.Model):
    """A local company (本地企业) on a segment; 链主企业 flagged."""

    __tablename__ = "segment_company"
    __table_args__ = (sa.UniqueConstraint("segment_id", "company_id", name="uq_segment_company"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("chain_segment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), nullable=False, index=True)
    is_chain_master: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # Since when the company fills the segment (gaps closed in a year count by it).
    placed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    segment: Mapped[ChainSegment] = relationship()
    company: Mapped[Company] = relationship()


class SegmentProject(db.Model):
    """A project (在谈/签约项目) placed on a segment."""

    __tablename__ = "segment_project"
    __table_args__ = (sa.UniqueConstraint("segment_id", "project_id", name="uq_segment_project"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("chain_segment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    segment: Mapped[ChainSegment] = relationship()
    project: Mapped[Project] = relationship()


class TargetCompany(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    """招商目标企业: a company the district wants on a chain's segment (named,
    and linked to the company record once it is on file)."""

    __tablename__ = "target_company"
    __table_args__ = (
        sa.Index("ix_target_company_chain_segment", "chain_id", "segment_id"),
        sa.Index("ix_target_company_chain_status", "chain_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    company_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("company.id", ondelete="SET NULL"), index=True)
    chain_id: Mapped[int] = mapped_column(sa.ForeignKey("chain.id", ondelete="RESTRICT"), nullable=False)
    segment_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("chain_segment.id", ondelete="SET NULL"), index=True
    )
    tier_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    region: Mapped[Optional[str]] = mapped_column(sa.String(100), index=True)  # 所在地
    reason: Mapped[Optional[str]] = mapped_column(sa.Text)  # 引进理由
    priority: Mapped[TargetPriority] = mapped_column(
        enum_column(TargetPriority), nullable=False, default=TargetPriority.MEDIUM, index=True
    )
    department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[TargetStatus] = mapped_column(
        enum_column(TargetStatus), nullable=False, default=TargetStatus.PENDING, index=True
    )

    company: Mapped[Optional[Company]] = relationship()
    chain: Mapped[Chain] = relationship()
    segment: Mapped[Optional[ChainSegment]] = relationship()
    tier: Mapped[Optional[RefItem]] = relationship()
    department: Mapped[Optional[Department]] = relationship()

    def __repr__(self) -> str:
        return f"<TargetCompany {self.id} {self.name}>"


def chain_project_ids(chain_id: int) -> sa.Select:
    """SELECT the projects on a chain — placed on one of its segments, or
    converted from a lead that remembers it: the one definition the project
    list, the reports and their drill-downs filter by (`chain_id`)."""
    from app.models.lead import Lead
    from app.models.project import Project

    placed = (
        sa.select(SegmentProject.project_id)
        .join(ChainSegment, ChainSegment.id == SegmentProject.segment_id)
        .where(ChainSegment.chain_id == chain_id)
    )
    from_leads = sa.select(Project.id).join(Lead, Lead.id == Project.lead_id).where(Lead.chain_id == chain_id)
    return sa.select(sa.union(placed, from_leads).subquery().c[0]).correlate(None)
