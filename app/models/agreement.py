"""Signed agreements (签约), signing events (签约活动) and funds received
(资金到位) per project per month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, Quantity, db, enum_column
from app.models.enums import AgreementKind
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.org import Department, User
    from app.models.project import Project


class SigningEvent(TimestampMixin, CreatedByMixin, db.Model):
    __tablename__ = "signing_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    place: Mapped[Optional[str]] = mapped_column(sa.String(200))
    organizer_department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="SET NULL"), index=True
    )

    organizer_department: Mapped[Optional[Department]] = relationship()
    agreements: Mapped[list[Agreement]] = relationship(back_populates="signing_event")

    def __repr__(self) -> str:
        return f"<SigningEvent {self.id} {self.name}>"


class Agreement(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    __tablename__ = "agreement"
    __table_args__ = (
        sa.CheckConstraint("agreed_investment >= 0", name="agreed_investment_nonnegative"),
        sa.CheckConstraint("foreign_investment IS NULL OR foreign_investment >= 0", name="foreign_nonnegative"),
        sa.CheckConstraint("land_area IS NULL OR land_area >= 0", name="land_area_nonnegative"),
        sa.CheckConstraint("committed_output IS NULL OR committed_output >= 0", name="output_nonnegative"),
        sa.CheckConstraint("committed_tax IS NULL OR committed_tax >= 0", name="tax_nonnegative"),
        sa.CheckConstraint(
            "committed_production_on IS NULL OR committed_construction_on IS NULL"
            " OR committed_production_on >= committed_construction_on",
            name="production_after_construction",
        ),
        # A project's first signing and its latest commitments (履约预警 on
        # the home page, the fulfilment list, the status light) read this
        # index alone, newest first, instead of each agreement's row.
        sa.Index(
            "ix_agreement_commitments",
            "project_id",
            "archived_at",
            "signed_on",
            "id",
            "committed_construction_on",
            "committed_production_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind), nullable=False, index=True)
    signed_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    signing_event_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("signing_event.id", ondelete="SET NULL"), index=True
    )
    agreed_investment: Mapped[Decimal] = mapped_column(Money, nullable=False)
    # A supplementary agreement for a capital increase (增资) adds only this.
    is_capital_increase: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    foreign_investment: Mapped[Optional[Decimal]] = mapped_column(Money)  # 万美元
    our_signatory: Mapped[Optional[str]] = mapped_column(sa.String(100))
    their_signatory: Mapped[Optional[str]] = mapped_column(sa.String(100))
    land_area: Mapped[Optional[Decimal]] = mapped_column(Quantity)
    committed_output: Mapped[Optional[Decimal]] = mapped_column(Money)
    committed_tax: Mapped[Optional[Decimal]] = mapped_column(Money)
    committed_construction_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    committed_production_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)

    project: Mapped[Project] = relationship(back_populates="agreements")
    signing_event: Mapped[Optional[SigningEvent]] = relationship(back_populates="agreements")

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.kind.value} project={self.project_id}>"


class Funding(TimestampMixin, CreatedByMixin, db.Model):
    __tablename__ = "funding"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "month", name="uq_funding_project_month"),
        sa.CheckConstraint("amount >= 0", name="amount_nonnegative"),
        # 资金到位 over a period (目标考核) from the index alone.
        sa.Index("ix_funding_report", "month", "project_id", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    # First day of the month the funds arrived in.
    month: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))

    project: Mapped[Project] = relationship(back_populates="fundings")
    created_by: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<Funding project={self.project_id} {self.month} {self.amount}>"
