"""Yearly targets (目标任务) per department or district-wide."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, db, enum_column
from app.models.enums import TargetMetric
from app.models.mixins import TimestampMixin

if TYPE_CHECKING:
    from app.models.org import Department


class Target(TimestampMixin, db.Model):
    __tablename__ = "target"
    # department_id NULL means the whole district; uniqueness of the
    # district row is enforced by the targets service (NULLs are distinct).
    __table_args__ = (
        sa.UniqueConstraint("year", "department_id", "metric", name="uq_target_year_dept_metric"),
        sa.CheckConstraint("value >= 0", name="value_nonnegative"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    department_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("department.id", ondelete="CASCADE"), index=True)
    metric: Mapped[TargetMetric] = mapped_column(enum_column(TargetMetric, 30), nullable=False)
    value: Mapped[Decimal] = mapped_column(Money, nullable=False)

    department: Mapped[Optional[Department]] = relationship()

    def __repr__(self) -> str:
        return f"<Target {self.year} dept={self.department_id} {self.metric.value}={self.value}>"
