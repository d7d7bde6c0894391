"""The 年度计划与投资月报 of one project: its plans by year, the shown year's
monthly reports with the running year-to-date and their site photos, the
schedule it is measured against, the cumulative total, which month to file next and what the viewer
may do. The project page shows a summary of it; the project's 投资月报 page
(`routes_investments.project_reports`) the whole of it. Four queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from app import attachments, clock
from app.db import db
from app.delivery.plans import phasing_of
from app.delivery.schedule import deadline_of, due_month, month_start, rate, scheduled_amount
from app.models import AnnualPlan, Attachment, InvestmentReport, InvestmentRevision, Project, Stage, User
from app.permissions import can_manage_plans, can_report_investment, can_review_investment


@dataclass
class MonthLine:
    report: InvestmentReport
    year_to_date: Decimal
    photos: list[Attachment] = field(default_factory=list)


@dataclass
class DeliveryPanel:
    project: Project
    plans: list[AnnualPlan]
    year: int
    plan: AnnualPlan | None
    months: list[MonthLine]
    due: dt.date
    deadline: dt.date
    next_month: dt.date | None
    today: dt.date
    can_report: bool
    can_review: bool
    can_plan: bool
    years_available: list[int] = field(default_factory=list)

    @staticmethod
    def plan_rate(plan: AnnualPlan) -> Decimal | None:
        return rate(plan.completed, plan.planned_investment)

    @property
    def year_to_date(self) -> Decimal:
        return self.months[-1].year_to_date if self.months else Decimal(0)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.year_to_date, self.plan.planned_investment) if self.plan else None

    @property
    def schedule_month(self) -> int | None:
        """The month the schedule is read at: the due month in the shown year
        (December for a past year, none before the year's first report is due)."""
        if self.due.year > self.year:
            return 12
        if self.due.year < self.year:
            return None
        return self.due.month

    @property
    def schedule_rate(self) -> Decimal | None:
        if self.plan is None or self.schedule_month is None:
            return None
        scheduled = scheduled_amount(self.plan.planned_investment, self.schedule_month, phasing_of(self.plan))
        return rate(scheduled, self.plan.planned_investment)

    @property
    def behind(self) -> Decimal | None:
        if self.rate is None or self.schedule_rate is None:
            return None
        return self.schedule_rate - self.rate

    @property
    def unreported(self) -> bool:
        """The due month is on a list and not reported."""
        return (
            self.plan is not None
            and self.due.year == self.year
            and all(m.report.month != self.due for m in self.months)
        )


def _next_month(
    project: Project, plans: list[AnnualPlan], filed: set[dt.date], due: dt.date, today: dt.date
) -> dt.date | None:
    """The month to offer for filing: the due month when it is not filed,
    else this month, else none — and only for a year with a plan."""
    if project.stage is Stage.EXITED:
        return None
    years = {p.year for p in plans}
    for month in (due, month_start(today)):
        if month.year in years and month not in filed:
            return month
    return None


def delivery_panel(
    project: Project, user: User, *, year: int | None = None, today: dt.date | None = None
) -> DeliveryPanel:
    today = today or clock.today()
    plans = list(
        db.session.scalars(
            sa.select(AnnualPlan)
            .where(AnnualPlan.project_id == project.id)
            .options(orm.selectinload(AnnualPlan.months))
            .order_by(AnnualPlan.year.desc())
        )
    )
    years = [p.year for p in plans]
    if year is None or year not in years:
        year = today.year if (today.year in years or not years) else years[0]
    plan = next((p for p in plans if p.year == year), None)
    reports = list(
        db.session.scalars(
            sa.select(InvestmentReport)
            .where(
                InvestmentReport.project_id == project.id,
                InvestmentReport.month.between(dt.date(year, 1, 1), dt.date(year, 12, 1)),
            )
            .options(
                orm.joinedload(InvestmentReport.reported_by),
                orm.joinedload(InvestmentReport.reviewed_by),
                orm.selectinload(InvestmentReport.revisions).joinedload(InvestmentRevision.changed_by),
            )
            .order_by(InvestmentReport.month)
        ).unique()
    )
    running = Decimal(0)
    months = []
    photos = attachments.for_owners("investment_report", {r.id for r in reports}) if reports else {}
    for report in reports:
        running += report.completed
        months.append(MonthLine(report, running, photos.get(report.id, [])))
    due = due_month(today)
    filed = {r.month for r in reports}
    if due.year != year or month_start(today).year != year:
        filed |= set(
            db.session.scalars(
                sa.select(InvestmentReport.month).where(
                    InvestmentReport.project_id == project.id, InvestmentReport.month.in_([due, month_start(today)])
                )
            )
        )
    return DeliveryPanel(
        project=project,
        plans=plans,
        year=year,
        plan=plan,
        months=months,
        due=due,
        deadline=deadline_of(due),
        next_month=_next_month(project, plans, filed, due, today),
        today=today,
        can_report=can_report_investment(user, project),
        can_review=can_review_investment(user),
        can_plan=can_manage_plans(user),
        years_available=years,
    )
