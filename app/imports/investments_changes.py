"""What a monthly-ledger row changes, before → after, so the preview shows it
and the commit writes only that.

- The month's report. A month not on record is filed (新增). A month on
  record with the same figure (and the same 形象进度, or a blank one) is
  unchanged; a different figure is a correction (old → new) — a reviewed
  month's correction becomes a numbered revision that goes back to review,
  and the commit asks for one reason for the file. When only 「1-N月累计」 is
  given, the month = that − the months before N on record; a negative
  result refuses the row, with the figures. Both blank: the month is not
  filed (said so, never a 0 made up). Both given and not adding up to the
  months on record: a warning, the month's own figure counts.
- 年度计划投资, against the plan of the month's year. An admin's difference
  updates the plan (tenfold waits for confirmation, as in the project
  import) and a project not on the list is put on it; anyone else's
  difference, or a project not on the list, is a row error. A phased plan
  (分月计划) changes on its page, where the phasing is kept in step.
- 项目级别: an admin's difference is written; anyone else's is shown, not
  written (as 重点项目 in the project import).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.imports.rows import CellProblem, Change, RowResult, money_change, shown
from app.models import AnnualPlan, InvestmentReport, Project, ProjectLevel, ReportStatus, Role, Stage, User
from app.permissions import can_manage_plans

CHUNK = 1000
LOCKED_NOTE = "已审核月份：更正将形成修订记录并重新审核，须填写更正原因"


def describe_changes(
    results: list[RowResult],
    errors: list[CellProblem],
    projects: dict[int, Project],
    month: dt.date,
    labels: dict[str, str],
    session: Any,
    actor: User,
) -> list[CellProblem]:
    """Fill every matched row's `changes`, `updates` and `action`; add its
    errors to `errors`; return the warnings. Two queries per 1,000 projects."""
    plans: dict[int, AnnualPlan] = {}
    before: dict[int, Decimal] = defaultdict(Decimal)
    current: dict[int, InvestmentReport] = {}
    ids = sorted(projects)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        plans.update(
            (plan.project_id, plan)
            for plan in session.scalars(
                sa.select(AnnualPlan)
                .where(AnnualPlan.project_id.in_(chunk), AnnualPlan.year == month.year)
                .options(selectinload(AnnualPlan.months))
            )
        )
        reports = session.scalars(
            sa.select(InvestmentReport).where(
                InvestmentReport.project_id.in_(chunk),
                InvestmentReport.month.between(dt.date(month.year, 1, 1), month),
            )
        )
        for report in reports:
            if report.month < month:
                before[report.project_id] += report.completed
            else:
                current[report.project_id] = report
    warnings: list[CellProblem] = []
    for row in results:
        if row.existing_id is None:
            continue
        project = projects[row.existing_id]
        if project.stage is Stage.EXITED:
            errors.append(CellProblem(row.row, labels["name"], row.data["name"], "项目已退出，不再填报投资月报。"))
            continue
        _plan(row, plans.get(project.id), month, labels, can_manage_plans(actor), errors)
        _level(row, project.level, actor.role is Role.ADMIN)
        _report(row, current.get(project.id), before[project.id], month, labels, errors, warnings)
        if row.updates.get("report") == "file":
            row.action = "create"
        else:
            row.action = "update" if any(change.applied for change in row.changes) else "unchanged"
    return warnings


def _plan(
    row: RowResult,
    plan: AnnualPlan | None,
    month: dt.date,
    labels: dict[str, str],
    may_plan: bool,
    errors: list[CellProblem],
) -> None:
    planned: Decimal | None = row.data.get("planned")
    year = month.year
    if plan is None:
        if not may_plan:
            message = f"该项目未列入 {year} 年重点项目计划，不能填报该年度月报（年度计划由管理员编制）。"
            errors.append(CellProblem(row.row, labels["name"], row.data["name"], message))
        elif planned is None:
            message = (
                f"该项目未列入 {year} 年重点项目计划：请在「年度计划投资」列填写计划投资（导入时列入计划），"
                "或先在年度计划中编制。"
            )
            errors.append(CellProblem(row.row, labels["planned"], "", message))
        else:
            row.changes.append(Change(f"{year}年计划投资（万元）", "未列入计划", shown(planned, None)))
            row.updates["planned"] = planned
        return
    if planned is None or planned == plan.planned_investment:
        return
    if not may_plan:
        message = (
            f"年度计划投资 {shown(planned, None)} 万元与系统中 {year} 年计划的 "
            f"{shown(plan.planned_investment, None)} 万元不一致；年度计划由管理员调整，请核对后重新上传。"
        )
        errors.append(CellProblem(row.row, labels["planned"], shown(planned, None), message))
    elif plan.months:
        message = (
            f"该项目 {year} 年计划已分月编排（计划投资 {shown(plan.planned_investment, None)} 万元），"
            "请在年度计划页面同时调整计划投资与分月计划。"
        )
        errors.append(CellProblem(row.row, labels["planned"], shown(planned, None), message))
    else:
        money_change(row, "planned", f"{year}年计划投资（万元）", plan.planned_investment)


def _level(row: RowResult, before: ProjectLevel | None, is_admin: bool) -> None:
    after: ProjectLevel | None = row.data.get("level")
    if after is None or after is before:
        return
    change = Change("项目级别", before.label if before else "—", after.label)
    if is_admin:
        row.updates["level"] = after
    else:
        change.note, change.applied = "仅管理员可调整项目级别，不导入此项", False
    row.changes.append(change)


def _earlier(month: int) -> str:
    return "1 月" if month == 2 else f"1–{month - 1} 月"


def _report(
    row: RowResult,
    report: InvestmentReport | None,
    before: Decimal,
    month: dt.date,
    labels: dict[str, str],
    errors: list[CellProblem],
    warnings: list[CellProblem],
) -> None:
    completed: Decimal | None = row.data.get("completed")
    cumulative: Decimal | None = row.data.get("cumulative")
    m = month.month
    amount = completed
    if completed is None and cumulative is not None:
        amount = cumulative - before
        if amount < 0:
            message = (
                f"1–{m} 月累计 {shown(cumulative, None)} 万元少于系统中{_earlier(m)}已报合计 "
                f"{shown(before, None)} 万元（推算 {m} 月为 {shown(amount, None)} 万元）；"
                "请核对累计数，或先更正此前月份的月报。"
            )
            errors.append(CellProblem(row.row, labels["cumulative"], shown(cumulative, None), message))
            return
    elif completed is not None and cumulative is not None and before + completed != cumulative:
        so_far = f"系统中{_earlier(m)}已报 {shown(before, None)} + " if m > 1 else ""
        message = (
            f"1–{m} 月累计 {shown(cumulative, None)} 万元与{so_far}本月 {shown(completed, None)} = "
            f"{shown(before + completed, None)} 万元不一致，以本月完成投资为准。"
        )
        warnings.append(CellProblem(row.row, labels["cumulative"], shown(cumulative, None), message))
    label = f"{m}月完成投资（万元）"
    progress: str | None = row.data.get("progress")
    if report is None:
        if amount is None:
            note = "本月完成投资与累计均未填写，不填报该月"
            row.changes.append(Change(label, "未报", "未填写", note=note, applied=False))
            return
        row.data["amount"] = amount
        money_change(row, "amount", label, None)
        if progress:
            row.changes.append(Change("形象进度", "—", progress))
        row.updates["report"] = "file"
        return
    new_amount = report.completed if amount is None else amount
    new_progress = progress or report.progress
    if new_amount == report.completed and new_progress == report.progress:
        return
    row.data["amount"] = new_amount
    first = len(row.changes)
    money_change(row, "amount", label, report.completed)
    if new_progress != report.progress:
        row.changes.append(Change("形象进度", shown(report.progress, None), new_progress or "—"))
    row.updates["report"] = "correct"
    row.data["locked"] = report.status is ReportStatus.REVIEWED
    if row.data["locked"]:
        change = row.changes[first]
        change.note = f"{change.note}；{LOCKED_NOTE}" if change.note else LOCKED_NOTE
