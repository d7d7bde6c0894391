"""Report facts (统计事实): one narrow row per lead and per project holding what
the reports group by and count — the dates each record reached each funnel
step, the amounts counted at them, and the dimensions the report filters
read — kept by `app.facts` in the same transaction as the change that moves
them, and rebuilt from the records by `flask facts rebuild`.

The columns are named as on `Lead` and `Project`, so the report filters
(`app.reports.filters`) read either table. A fact's `id` is its record's id.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Money, db, enum_column
from app.models.enums import ProjectLevel, Stage


class LeadFact(db.Model):
    """A lead as the funnel counts it."""

    __tablename__ = "lead_fact"
    # One covering index in the order the funnel reads it: grouped by
    # department, ranged on the day received, counting and summing the
    # steps without touching the table (a plain index per date made the
    # planner look up most rows one by one: measured slower than a scan).
    __table_args__ = (
        sa.Index(
            "ix_lead_fact_report",
            "owner_department_id",
            "received_on",
            "archived_at",
            "amount",
            "contacted_on",
            "negotiating_on",
        ),
    )

    id: Mapped[int] = mapped_column(sa.ForeignKey("lead.id", ondelete="CASCADE"), primary_key=True)
    archived_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    owner_department_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    industry_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    source_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    chain_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    company_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # 意向投资额 (万元, 0 when not stated): the amount of the lead steps.
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    # The first day the lead reached 已对接 / 洽谈 (a later step implies the
    # earlier ones: a lead converted without a recorded contact counts).
    contacted_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    negotiating_on: Mapped[Optional[date]] = mapped_column(sa.Date)


class ProjectFact(db.Model):
    """A project as the funnel, 四库 and 三个一批 count it."""

    __tablename__ = "project_fact"
    # Covering indexes for 四库 and 三个一批 by department and by industry.
    __table_args__ = (
        sa.Index(
            "ix_project_fact_department",
            "lead_department_id",
            "stage",
            "archived_at",
            "planned_investment",
            "signed_on",
            "construction_on",
            "production_on",
            "signed_amount",
        ),
        sa.Index("ix_project_fact_industry", "industry_id", "stage", "archived_at", "planned_investment"),
        # 目标考核's signed projects of a year (亿元以上, top-tier companies):
        # a range of signing days, covering (a plain index on the date made
        # SQLite look every row up; this one does not).
        sa.Index(
            "ix_project_fact_signed",
            "signed_on",
            "archived_at",
            "signed_amount",
            "company_id",
            "lead_department_id",
        ),
    )

    id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    lead_id: Mapped[Optional[int]] = mapped_column(sa.Integer, index=True)
    archived_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    lead_department_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    industry_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    company_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    responsible_leader_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    kind_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    level: Mapped[Optional[ProjectLevel]] = mapped_column(enum_column(ProjectLevel))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), nullable=False)
    planned_investment: Mapped[Decimal] = mapped_column(Money, nullable=False)
    # The first day the project reached 签约 / 开工 / 投产 (a later step
    # implies the earlier ones).
    signed_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    construction_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    production_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    # 签约额 by the counting rule (`app.counting`) over every live agreement,
    # the planned investment when none is recorded; and the latest live
    # agreement's date, so a report of an earlier period knows whether this
    # value already stood at its end.
    signed_amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    last_agreement_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    # The status light ('red' | 'yellow' | 'green', NULL when the project is
    # not lit) as `app.projects.lights` works it out on `light_on`. A light
    # also moves with the calendar (a milestone falls due): readers use it
    # only while every row is of today (`facts.lights_fresh`), which the
    # background worker restores each morning.
    light: Mapped[Optional[str]] = mapped_column(sa.String(6))
    light_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)


class ReportRollup(db.Model):
    """A report measure summed over one bucket of its records (`app.rollups`):
    the records of one department (or industry) that fall on one day, in one
    month, or — for measures without a period — at all. A report over a
    period reads its whole months and its odd days here instead of the facts."""

    __tablename__ = "report_rollup"
    # Covering, in the order a report reads it: one range per measure and grain.
    __table_args__ = (
        sa.Index(
            "ix_report_rollup_read",
            "dim",
            "grain",
            "measure",
            "bucket",
            "dim_value",
            "n",
            "amount",
        ),
        sa.Index("ix_report_rollup_keep", "dim", "dim_value", "month"),
    )

    measure: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    dim: Mapped[str] = mapped_column(sa.String(16), primary_key=True)  # 'department' | 'industry'
    dim_value: Mapped[int] = mapped_column(sa.Integer, primary_key=True)  # 0: 未指定
    grain: Mapped[str] = mapped_column(sa.String(1), primary_key=True)  # 'd' day | 'm' month | 'a' all time
    bucket: Mapped[date] = mapped_column(sa.Date, primary_key=True)  # the day; the month's first day; ALL_TIME
    month: Mapped[date] = mapped_column(sa.Date, nullable=False)  # the bucket's month (ALL_TIME for 'a')
    n: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
