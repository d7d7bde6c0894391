"""The schedule of a key project's year (序时进度) and the rules it adds to the
status light.

- The month that must have been reported by `today` (`due_month`): the
  previous month once its deadline (INVESTMENT_REPORT_DUE_DAY, default the
  5th) has passed, else the month before it.
- The schedule through month M: the plan's monthly phasing (分月计划) when
  given, else the time-proportional share M/12 of the year's planned
  investment. A project is `points` behind when
  (scheduled − completed) × 100 ≥ planned × points — in SQL and in Python
  the same linear test, so the boundary is exact.
- Light rules, for the plan of the due month's year: ≥ LIGHT_RED_BEHIND_POINTS
  behind is red, ≥ LIGHT_YELLOW_BEHIND_POINTS yellow; a due month not
  reported is yellow; a planned start of construction (or production) of
  this year's plan that has passed while the project has not reached it is
  red ("应开工未开工").

This module reads only models and the core, so the light (`projects/lights.py`)
and the reports can both use it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.models import AnnualPlan, InvestmentReport, PlanMonth, Project

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class ScheduleRules:
    yellow_points: int
    red_points: int
    due_day: int

    @classmethod
    def from_config(cls) -> ScheduleRules:
        config = current_app.config
        return cls(
            yellow_points=int(config["LIGHT_YELLOW_BEHIND_POINTS"]),
            red_points=int(config["LIGHT_RED_BEHIND_POINTS"]),
            due_day=int(config["INVESTMENT_REPORT_DUE_DAY"]),
        )


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month_start(month) - dt.timedelta(days=1)).replace(day=1)


def next_month(month: dt.date) -> dt.date:
    month = month_start(month)
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def due_month(today: dt.date, due_day: int | None = None) -> dt.date:
    """The latest month whose report is due by `today` (first of the month)."""
    due_day = due_day if due_day is not None else ScheduleRules.from_config().due_day
    last = previous_month(today)
    return last if today.day > due_day else previous_month(last)


def deadline_of(month: dt.date, due_day: int | None = None) -> dt.date:
    """The day by which `month`'s report is due."""
    due_day = due_day if due_day is not None else ScheduleRules.from_config().due_day
    return next_month(month).replace(day=due_day)


def scheduled_amount(planned: Decimal, through: int, phasing: dict[int, Decimal] | None = None) -> Decimal:
    """The schedule line through month `through` (1–12) of the year: the
    phasing's cumulative when given, else planned × through / 12."""
    if phasing and through in phasing:
        return phasing[through]
    return planned * through / 12


def rate(completed: Decimal | None, planned: Decimal | None) -> Decimal | None:
    """Completion in percent, one decimal (half-up); None without a plan amount."""
    if not planned or planned <= 0:
        return None
    return ((completed or Decimal(0)) * HUNDRED / planned).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# --- SQL: the light's conditions ----------------------------------------------------


def _phased_sql(through: int) -> sa.ScalarSelect:
    """The phasing's cumulative through `through` of the plan in the query (or NULL)."""
    return (
        sa.select(PlanMonth.cumulative)
        .where(PlanMonth.plan_id == AnnualPlan.id, PlanMonth.month == through)
        .correlate(AnnualPlan)
        .scalar_subquery()
    )


def behind_condition(today: dt.date, points: int, rules: ScheduleRules) -> sa.ColumnElement[bool]:
    """Projects whose plan for the due month's year is ≥ `points` behind.
    Everything is multiplied by 12 so the database never divides (SQLite
    would divide integers): (12·S − 12·C) × 100 ≥ 12·P × points."""
    month = due_month(today, rules.due_day)
    planned = AnnualPlan.planned_investment
    scheduled12 = sa.func.coalesce(_phased_sql(month.month) * 12, planned * month.month)
    behind = sa.select(AnnualPlan.project_id).where(
        AnnualPlan.year == month.year,
        planned > 0,
        (scheduled12 - AnnualPlan.completed * 12) * 100 >= planned * (12 * points),
    )
    return Project.id.in_(behind)


def unreported_condition(today: dt.date, rules: ScheduleRules) -> sa.ColumnElement[bool]:
    """Projects on the due month's year list that have not reported the due month."""
    month = due_month(today, rules.due_day)
    reported = sa.select(InvestmentReport.project_id).where(InvestmentReport.month == month)
    on_list = sa.select(AnnualPlan.project_id).where(
        AnnualPlan.year == month.year, AnnualPlan.project_id.not_in(reported)
    )
    return Project.id.in_(on_list)


def late_start_condition(today: dt.date) -> sa.ColumnElement[bool]:
    """This year's plan said construction (or production) starts before today,
    and the project has not reached it."""
    late_start = sa.select(AnnualPlan.project_id).where(
        AnnualPlan.year == today.year, AnnualPlan.planned_start_on < today
    )
    late_production = sa.select(AnnualPlan.project_id).where(
        AnnualPlan.year == today.year, AnnualPlan.planned_production_on < today
    )
    return sa.or_(
        sa.and_(Project.construction_on.is_(None), Project.id.in_(late_start)),
        sa.and_(Project.production_on.is_(None), Project.id.in_(late_production)),
    )


def red_condition(today: dt.date, rules: ScheduleRules | None = None) -> sa.ColumnElement[bool]:
    rules = rules or ScheduleRules.from_config()
    return sa.or_(behind_condition(today, rules.red_points, rules), late_start_condition(today))


def yellow_condition(today: dt.date, rules: ScheduleRules | None = None) -> sa.ColumnElement[bool]:
    rules = rules or ScheduleRules.from_config()
    return sa.or_(behind_condition(today, rules.yellow_points, rules), unreported_condition(today, rules))


# --- a project's year so far, for the desk ------------------------------------------------


@dataclass(frozen=True)
class YearProgress:
    """Year-to-date completion against the schedule at the due month."""

    month: dt.date  # the due month the schedule is read at
    rate: Decimal | None
    schedule_rate: Decimal | None

    @property
    def behind(self) -> Decimal | None:
        if self.rate is None or self.schedule_rate is None:
            return None
        return self.schedule_rate - self.rate


def progress_columns(today: dt.date, rules: ScheduleRules | None = None) -> list[sa.ColumnElement]:
    """Correlated columns over `Project`: the due year's plan, completed and phasing."""
    rules = rules or ScheduleRules.from_config()
    month = due_month(today, rules.due_day)

    def plan_of(column: sa.ColumnElement) -> sa.ScalarSelect:
        return (
            sa.select(column)
            .where(AnnualPlan.project_id == Project.id, AnnualPlan.year == month.year)
            .correlate(Project)
            .scalar_subquery()
        )

    return [
        plan_of(AnnualPlan.planned_investment).label("year_planned"),
        plan_of(AnnualPlan.completed).label("year_completed"),
        plan_of(_phased_sql(month.month)).label("year_phased"),
    ]


def year_progress(row: sa.Row, today: dt.date, rules: ScheduleRules | None = None) -> YearProgress | None:
    """From the columns of `progress_columns`; None for a project not on the list."""
    if row.year_planned is None:
        return None
    rules = rules or ScheduleRules.from_config()
    month = due_month(today, rules.due_day)
    planned = Decimal(row.year_planned)
    phased = None if row.year_phased is None else {month.month: Decimal(row.year_phased)}
    return YearProgress(
        month,
        rate(Decimal(row.year_completed or 0), planned),
        rate(scheduled_amount(planned, month.month, phased), planned),
    )


# --- the reasons, as columns of the light's one facts query ----------------------------


def fact_columns(today: dt.date, rules: ScheduleRules) -> list[sa.ColumnElement]:
    """Correlated columns over `Project` for the light's facts statement."""
    month = due_month(today, rules.due_day)

    def plan_of(year: int, column: sa.ColumnElement) -> sa.ScalarSelect:
        return (
            sa.select(column)
            .where(AnnualPlan.project_id == Project.id, AnnualPlan.year == year)
            .correlate(Project)
            .scalar_subquery()
        )

    reported = (
        sa.select(sa.func.count(InvestmentReport.id))
        .where(InvestmentReport.project_id == Project.id, InvestmentReport.month == month)
        .correlate(Project)
        .scalar_subquery()
    )
    return [
        plan_of(month.year, AnnualPlan.planned_investment).label("plan_planned"),
        plan_of(month.year, AnnualPlan.completed).label("plan_completed"),
        plan_of(month.year, _phased_sql(month.month)).label("plan_phased"),
        reported.label("plan_reported"),
        plan_of(today.year, AnnualPlan.planned_start_on).label("plan_start_on"),
        plan_of(today.year, AnnualPlan.planned_production_on).label("plan_production_on"),
        Project.construction_on.label("construction_on"),
        Project.production_on.label("production_on"),
    ]


def reasons(row: sa.Row, today: dt.date, rules: ScheduleRules) -> tuple[list[str], list[str]]:
    """(red reasons, yellow reasons) from the columns of `fact_columns`."""
    red: list[str] = []
    yellow: list[str] = []
    month = due_month(today, rules.due_day)
    if row.plan_start_on is not None and row.plan_start_on < today and row.construction_on is None:
        red.append(
            _(
                "计划 %(date)s 开工，已逾期 %(days)d 天未开工",
                date=row.plan_start_on.isoformat(),
                days=(today - row.plan_start_on).days,
            )
        )
    if row.plan_production_on is not None and row.plan_production_on < today and row.production_on is None:
        red.append(
            _(
                "计划 %(date)s 投产，已逾期 %(days)d 天未投产",
                date=row.plan_production_on.isoformat(),
                days=(today - row.plan_production_on).days,
            )
        )
    if row.plan_planned is not None and row.plan_planned > 0:
        planned = Decimal(row.plan_planned)
        completed = Decimal(row.plan_completed or 0)
        phased = None if row.plan_phased is None else Decimal(row.plan_phased)
        lag12 = (phased * 12 if phased is not None else planned * month.month) - completed * 12
        is_red = lag12 * 100 >= planned * 12 * rules.red_points
        if is_red or lag12 * 100 >= planned * 12 * rules.yellow_points:
            text = _(
                "年度投资完成 %(rate)s%%，落后序时进度 %(points)s 个百分点",
                rate=rate(completed, planned),
                points=(lag12 * 100 / (planned * 12)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP),
            )
            (red if is_red else yellow).append(text)
    if row.plan_planned is not None and not row.plan_reported:
        yellow.append(
            _(
                "%(month)s 投资月报未报（截止 %(deadline)s）",
                month=month.strftime("%Y-%m"),
                deadline=deadline_of(month, rules.due_day).isoformat(),
            )
        )
    return red, yellow
