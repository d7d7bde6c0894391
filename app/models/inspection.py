"""营商环境督办: an inspection (督查, 暗访 or 回访企业) of a unit by the
supervision office, what it found, the rectification it requires of a
responsible department by a deadline, that department's answer (整改情况)
and the supervisor's closing — or sending it back (退回)."""

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


class InspectionKind(enum.Enum):
    """督查 (announced), 暗访 (unannounced), 回访企业 (asking a company)."""

    INSPECTION = "inspection"
    UNANNOUNCED = "unannounced"
    COMPANY_VISIT = "company_visit"

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class InspectionStatus(enum.Enum):
    """待整改 → 已反馈 (the department's 整改情况) → 已销号; or 已反馈 → 待整改
    again when the supervisor sends the answer back (退回, with a reason)."""

    RECTIFYING = "rectifying"
    ANSWERED = "answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


_KIND_LABELS = {
    InspectionKind.INSPECTION: _l("督查"),
    InspectionKind.UNANNOUNCED: _l("暗访"),
    InspectionKind.COMPANY_VISIT: _l("回访企业"),
}
_STATUS_LABELS = {
    InspectionStatus.RECTIFYING: _l("待整改"),
    InspectionStatus.ANSWERED: _l("已反馈"),
    InspectionStatus.CLOSED: _l("已销号"),
}

inspection_finding = sa.Table(
    "inspection_finding",
    db.metadata,
    sa.Column("inspection_id", sa.ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("finding_id", sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), primary_key=True),
    sa.Index("ix_inspection_finding_finding_id", "finding_id"),
)


class Inspection(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    __tablename__ = "inspection"
    __table_args__ = (
        sa.Index("ix_inspection_status_deadline", "status", "deadline"),
        sa.Index("ix_inspection_responsible_status", "responsible_department_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspected_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)  # 督查日期
    kind: Mapped[InspectionKind] = mapped_column(enum_column(InspectionKind), nullable=False)
    # 被督查单位
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    # 回访企业: the company asked (optional for the other kinds).
    company_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("company.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)  # 督查情况
    requirement: Mapped[str] = mapped_column(sa.Text, nullable=False)  # 整改要求
    deadline: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)  # 整改时限
    responsible_department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), nullable=False
    )
    status: Mapped[InspectionStatus] = mapped_column(
        enum_column(InspectionStatus), nullable=False, default=InspectionStatus.RECTIFYING
    )
    answer: Mapped[Optional[str]] = mapped_column(sa.Text)  # 整改情况
    answered_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    closed_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)

    department: Mapped[Department] = relationship(foreign_keys=[department_id])
    responsible_department: Mapped[Department] = relationship(foreign_keys=[responsible_department_id])
    company: Mapped[Optional[Company]] = relationship()
    findings: Mapped[list[RefItem]] = relationship(secondary=inspection_finding, order_by="RefItem.sort_order")
    created_by: Mapped[Optional[User]] = relationship(foreign_keys="Inspection.created_by_id")
    events: Mapped[list[InspectionEvent]] = relationship(
        back_populates="inspection", order_by="InspectionEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Inspection {self.id} {self.status.value}>"


class InspectionEvent(db.Model):
    """One step of an inspection: recorded, answered, closed or sent back."""

    __tablename__ = "inspection_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inspection.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status: Mapped[Optional[InspectionStatus]] = mapped_column(enum_column(InspectionStatus))
    to_status: Mapped[InspectionStatus] = mapped_column(enum_column(InspectionStatus), nullable=False)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    note: Mapped[Optional[str]] = mapped_column(sa.Text)

    inspection: Mapped[Inspection] = relationship(back_populates="events")
    actor: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<InspectionEvent inspection={self.inspection_id} -> {self.to_status.value}>"
