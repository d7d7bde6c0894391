"""The district's own working-day calendar: days that differ from the State
Council's calendar (a local holiday, a working day the district adds, or a
year the calendar library does not know yet). See app/workdays.py."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import db
from app.models.mixins import TimestampMixin


class WorkdayOverride(TimestampMixin, db.Model):
    __tablename__ = "workday_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True, nullable=False)
    is_workday: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    note: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")

    def __repr__(self) -> str:
        return f"<WorkdayOverride {self.day} {'上班' if self.is_workday else '休息'}>"
