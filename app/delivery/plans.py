"""Annual plans (年度计划): a project is on year Y's key-project list when it
has a plan for Y. Planned investment for the year, the planned dates of
construction and production that fall in it, 年度建设内容, and an optional
monthly phasing (分月计划) that replaces the time-proportional schedule.
Copy-forward puts last year's list on a new year in one step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.concurrency import check_version
from app.db import db
from app.models import AnnualPlan, InvestmentReport, PlanMonth, Project, Stage, User
from app.refusals import Refusal
from app.templating import wan

PLAN_FIELDS = ("year", "planned_investment", "planned_start_on", "planned_production_on", "content")
FIRST_YEAR = 2000


class PlanError(Refusal):
    """A refused annual plan; `field` names the form field."""


def plan_of(project_id: int, year: int) -> AnnualPlan | None:
    return db.session.scalar(sa.select(AnnualPlan).where(AnnualPlan.project_id == project_id, AnnualPlan.year == year))


def check_year(project: Project, year: int) -> None:
    """A plan's year: not before the year the project was entered (or first
    reached a stage), not beyond next year."""
    today = clock.today()
    if year < FIRST_YEAR or year > today.year + 1:
        raise PlanError(
            _("计划年度须在 %(first)d 年至 %(last)d 年之间。", first=FIRST_YEAR, last=today.year + 1), "year"
        )
    known = [clock.local(project.created_at).date() if project.created_at else today]
    known += [d for d in (project.signed_on, project.landed_on, project.construction_on) if d is not None]
    born = min(known).year
    if year < born:
        raise PlanError(_("项目 %(born)d 年才建档，不能编制 %(year)d 年的计划。", born=born, year=year), "year")


def _check_dates(year: int, start: dt.date | None, production: dt.date | None) -> None:
    for value, field, label in (
        (start, "planned_start_on", _("计划开工")),
        (production, "planned_production_on", _("计划投产")),
    ):
        if value is not None and value.year != year:
            raise PlanError(_("%(label)s日期须在 %(year)d 年内。", label=label, year=year), field)
    if start and production and production < start:
        raise PlanError(_("计划投产日期不能早于计划开工日期。"), "planned_production_on")


def parse_phasing(values: list[Decimal | None] | None, planned: Decimal) -> dict[int, Decimal] | None:
    """Twelve monthly amounts (blank: none given) → {month: amount}; they
    must add up to the year's planned investment."""
    if not values or all(v is None for v in values):
        return None
    if len(values) != 12:
        raise PlanError(_("分月计划须填写 1–12 月共 12 个月。"), "phasing")
    amounts = {m: (v or Decimal(0)) for m, v in enumerate(values, start=1)}
    if any(v < 0 for v in amounts.values()):
        raise PlanError(_("分月计划投资不能为负数。"), "phasing")
    total = sum(amounts.values(), Decimal(0))
    if total.quantize(Decimal("0.0001")) != planned.quantize(Decimal("0.0001")):
        raise PlanError(
            _(
                "分月计划合计 %(total)s 万元，与年度计划投资 %(planned)s 万元不一致。",
                total=wan(total),
                planned=wan(planned),
            ),
            "phasing",
        )
    return amounts


def _set_phasing(plan: AnnualPlan, amounts: dict[int, Decimal] | None) -> None:
    plan.months.clear()
    db.session.flush()
    if amounts is None:
        return
    running = Decimal(0)
    for month in range(1, 13):
        running += amounts[month]
        plan.months.append(PlanMonth(month=month, planned=amounts[month], cumulative=running))


def phasing_of(plan: AnnualPlan) -> dict[int, Decimal]:
    """{month: cumulative} of the plan's phasing ({} when not phased)."""
    return {m.month: m.cumulative for m in plan.months}


def save_plan(
    project: Project, year: int, data: dict[str, Any], actor: User, *, version: Any = None
) -> tuple[AnnualPlan, bool]:
    """Create or update `project`'s plan for `year`. `data` holds
    planned_investment, planned_start_on, planned_production_on, content and
    optionally `phasing` (12 monthly amounts). A project put on a list becomes
    a key project. Returns (plan, created)."""
    if project.stage is Stage.EXITED:
        raise PlanError(_("项目已退出，不能列入年度计划。"))
    check_year(project, year)
    planned = data.get("planned_investment")
    if planned is None:
        raise PlanError(_("请填写年度计划投资（万元）。"), "planned_investment")
    if planned < 0:
        raise PlanError(_("年度计划投资不能为负数。"), "planned_investment")
    planned = planned.quantize(Decimal("0.0001"))
    start, production = data.get("planned_start_on"), data.get("planned_production_on")
    _check_dates(year, start, production)
    phasing = parse_phasing(data.get("phasing"), planned) if "phasing" in data else False
    plan = plan_of(project.id, year)
    created = plan is None
    if plan is None:
        completed, through = _reported_in(project.id, year)
        plan = AnnualPlan(
            project_id=project.id, year=year, created_by_id=actor.id, completed=completed, reported_through=through
        )
        db.session.add(plan)
        before: dict[str, Any] = {}
    else:
        if version is not None:
            check_version(plan, "annual_plan", version)
        before = audit.snapshot(plan, PLAN_FIELDS)
    plan.planned_investment = planned
    plan.planned_start_on = start
    plan.planned_production_on = production
    plan.content = (data.get("content") or "").strip() or None
    db.session.flush()
    if phasing is not False:
        _set_phasing(plan, phasing)
    after = audit.snapshot(plan, PLAN_FIELDS)
    changes = audit.diff(before, after)
    if phasing is not False:
        changes["phasing"] = [None, {str(k): str(v) for k, v in (phasing or {}).items()} or None]
    if created or changes:
        audit.record(
            "create" if created else "update",
            "annual_plan",
            plan.id,
            changes={"project_id": project.id, **(after if created else changes)},
            summary=_("%(project)s %(year)d 年度计划", project=project.name, year=year),
            user_id=actor.id,
        )
    if not project.is_key:
        project.is_key = True
        audit.record(
            "update",
            "project",
            project.id,
            changes={"is_key": [False, True]},
            summary=_("列入 %(year)d 年重点项目计划", year=year),
            user_id=actor.id,
        )
    return plan, created


def _reported_in(project_id: int, year: int) -> tuple[Decimal, dt.date | None]:
    """The year's reports already on record (filed before a plan was removed
    and put back count toward the new plan): their total and latest month."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(InvestmentReport.completed), 0), sa.func.max(InvestmentReport.month)
        ).where(InvestmentReport.project_id == project_id, InvestmentReport.month.between(first, last))
    ).one()
    return Decimal(row[0]), row[1]


def remove_plan(plan: AnnualPlan, actor: User) -> None:
    """Take a project off a year's list (its monthly reports stay)."""
    audit.record(
        "delete",
        "annual_plan",
        plan.id,
        changes={"project_id": plan.project_id, **audit.snapshot(plan, PLAN_FIELDS)},
        summary=_("%(year)d 年度计划移出", year=plan.year),
        user_id=actor.id,
    )
    db.session.delete(plan)


def copy_forward(from_year: int, to_year: int, actor: User) -> int:
    """Put every live project of `from_year`'s list on `to_year`'s list (the
    planned amounts are carried over for the bureau to adjust; dates and
    phasing are not). Projects already on the new list, exited or archived,
    or in production, are left out. Returns how many plans were created."""
    if to_year != from_year + 1:
        raise PlanError(_("只能将上一年度的计划结转到下一年度。"), "year")
    if to_year > clock.today().year + 1:
        raise PlanError(_("计划年度不能晚于明年。"), "year")
    already = sa.select(AnnualPlan.project_id).where(AnnualPlan.year == to_year)
    rows = db.session.execute(
        sa.select(AnnualPlan.project_id, AnnualPlan.planned_investment, AnnualPlan.content)
        .join(Project, Project.id == AnnualPlan.project_id)
        .where(
            AnnualPlan.year == from_year,
            AnnualPlan.project_id.not_in(already),
            Project.archived_at.is_(None),
            Project.stage.not_in([Stage.EXITED, Stage.PRODUCTION]),
        )
        .order_by(AnnualPlan.project_id)
    ).all()
    for row in rows:
        plan = AnnualPlan(
            project_id=row.project_id,
            year=to_year,
            planned_investment=row.planned_investment,
            content=row.content,
            completed=Decimal(0),
            created_by_id=actor.id,
        )
        db.session.add(plan)
    db.session.flush()
    if rows:
        audit.record(
            "create",
            "annual_plan",
            None,
            changes={"from_year": from_year, "to_year": to_year, "projects": [r.project_id for r in rows]},
            summary=_(
                "%(from)d 年重点项目计划结转至 %(to)d 年，共 %(n)d 个项目",
                n=len(rows),
                **{"from": from_year, "to": to_year},
            ),
            user_id=actor.id,
        )
    return len(rows)
