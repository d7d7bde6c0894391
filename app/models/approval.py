"""联审联批: the approval items (审批事项) of a project, each owned by an
approving department, and the approval meetings (联审联批会) that decide
several at once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, enum_column
from app.models.enums import ApprovalStatus
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.org import Department, RefItem, User
    from app.models.project import Project

# The statuses that still block 开工 and can be overdue.
OPEN_APPROVAL_STATUSES = (ApprovalStatus.PENDING, ApprovalStatus.SUBMITTED)


class ApprovalItem(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    __tablename__ = "approval_item"
    __table_args__ = (
        sa.Index("ix_approval_item_status_due", "status", "due_on"),
        sa.Index("ix_approval_item_department_status", "department_id", "status"),
        sa.CheckConstraint(
            "approved_on IS NULL OR submitted_on IS NULL OR approved_on >= submitted_on",
            name="approval_dates_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), nullable=False, index=True)
    # The approving department (审批部门).
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id", ondelete="RESTRICT"), nullable=False)
    due_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)  # 计划完成日期
    submitted_on: Mapped[Optional[date]] = mapped_column(sa.Date)  # 申报日期
    approved_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)  # 办结日期
    status: Mapped[ApprovalStatus] = mapped_column(
        enum_column(ApprovalStatus), nullable=False, default=ApprovalStatus.PENDING
    )
    not_needed_reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)

    project: Mapped[Project] = relationship()
    type: Mapped[RefItem] = relationship()
    department: Mapped[Department] = relationship()
    decisions: Mapped[list[ApprovalDecision]] = relationship(
        back_populates="item", order_by="ApprovalDecision.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPROVAL_STATUSES and self.archived_at is None

    def __repr__(self) -> str:
        return f"<ApprovalItem {self.id} project={self.project_id} {self.status.value}>"


class ApprovalMeeting(VersionedMixin, TimestampMixin, CreatedByMixin, db.Model):
    """A 联审联批会: when, who chaired, and what it decided for each item."""

    __tablename__ = "approval_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    chair_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)

    chair: Mapped[Optional[User]] = relationship(foreign_keys=[chair_id])
    decisions: Mapped[list[ApprovalDecision]] = relationship(
        back_populates="meeting", order_by="ApprovalDecision.id", cascade="all, delete-orphan"
    )


class ApprovalDecision(db.Model):
    """What a meeting decided for one item."""

    __tablename__ = "approval_decision"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "item_id", name="uq_approval_decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("approval_meeting.id", ondelete="CASCADE"), nullable=False, index=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("approval_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    decision: Mapped[str] = mapped_column(sa.Text, nullable=False)

    meeting: Mapped[ApprovalMeeting] = relationship(back_populates="decisions")
    item: Mapped[ApprovalItem] = relationship(back_populates="decisions")
