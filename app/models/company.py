"""Companies (企业/客商): one record per company however many departments
talk to it, with tiers, the first-reporting department (首报) and conflicts
(撞单) awaiting an admin's ruling."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, enum_column, trigram_index, utcnow
from app.models.enums import ConflictStatus
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.org import Department, RefItem, User

company_tier = sa.Table(
    "company_tier",
    db.metadata,
    sa.Column("company_id", sa.ForeignKey("company.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tier_id", sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), primary_key=True),
    sa.Index("ix_company_tier_tier_id", "tier_id"),
)


class Company(TimestampMixin, ArchiveMixin, CreatedByMixin, VersionedMixin, db.Model):
    __tablename__ = "company"
    __table_args__ = (trigram_index("ix_company_search_text_trgm", "search_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # NFKC, spaces and region prefixes removed, legal forms collapsed.
    normalized_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    # Lower-case search text: name + pinyin initials + full pinyin.
    search_text: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="")
    credit_code: Mapped[Optional[str]] = mapped_column(sa.String(18), unique=True)
    hq_region: Mapped[Optional[str]] = mapped_column(sa.String(100))
    industry_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    # 首报: the department that first reported the company holds it.
    first_department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    first_reported_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    merged_into_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("company.id", ondelete="SET NULL"), index=True)
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)

    industry: Mapped[Optional[RefItem]] = relationship()
    tiers: Mapped[list[RefItem]] = relationship(secondary=company_tier, order_by="RefItem.sort_order")
    first_department: Mapped[Optional[Department]] = relationship()

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name}>"


class CompanyConflict(db.Model):
    """A lead by one department on a company another department holds (撞单)."""

    __tablename__ = "company_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), nullable=False, index=True)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("lead.id", ondelete="CASCADE"), nullable=False, index=True)
    holder_department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    claimant_department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ConflictStatus] = mapped_column(
        enum_column(ConflictStatus), nullable=False, default=ConflictStatus.OPEN, index=True
    )
    detected_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    ruled_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    ruled_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    ruling_note: Mapped[Optional[str]] = mapped_column(sa.Text)

    company: Mapped[Company] = relationship()
    holder_department: Mapped[Optional[Department]] = relationship(foreign_keys=[holder_department_id])
    claimant_department: Mapped[Optional[Department]] = relationship(foreign_keys=[claimant_department_id])
    ruled_by: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<CompanyConflict {self.id} company={self.company_id} {self.status.value}>"
