"""What a project-ledger row changes on the project it updates, field by
field, before → after — so the preview shows it and the commit writes only
that.

A blank cell keeps what the project has (a ledger that leaves 项目地点 empty
does not erase it). The page's rules hold here too: a stage never moves back
and a project never exits through a ledger (both need a note on the project
page: shown, not written); only an admin changes 重点项目; an amount that
changes tenfold or more (80 亿 → 8 亿: a unit slip) is written only after the
person confirms the file. A row that changes nothing is `unchanged`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.companies.names import normalize_company_name
from app.imports.rows import Change, Lookups, RowResult, money_change, shown
from app.models import STAGE_ORDER, Project, RefKind, Role, Stage, User

# The project's own facts an update writes through update_project.
FACT_FIELDS = ("name", "planned_investment", "industry_id", "is_key", "location", "notes")


def describe_changes(results: list[RowResult], session: Any, lookups: Lookups, actor: User | None) -> None:
    """Fill `changes` and `updates` of every update row (mark the rows that
    change nothing `unchanged`): one query per 1,000 rows."""
    rows = [r for r in results if r.action == "update" and r.existing_id is not None]
    ids = sorted({r.existing_id for r in rows if r.existing_id is not None})
    projects: dict[int, Project] = {}
    for start in range(0, len(ids), 1000):
        stmt = (
            sa.select(Project)
            .where(Project.id.in_(ids[start : start + 1000]))
            .options(selectinload(Project.company), selectinload(Project.responsible_leader))
        )
        projects.update((p.id, p) for p in session.scalars(stmt))
    industries = {item_id: name for name, item_id in lookups.ref.get(RefKind.INDUSTRY, {}).items()}
    leaders = {ids_[0]: name for name, ids_ in lookups.leaders.items() if len(ids_) == 1}
    is_admin = actor is not None and actor.role is Role.ADMIN
    for row in rows:
        project = projects.get(row.existing_id)  # type: ignore[arg-type]
        if project is None:
            continue
        _compare(row, project, industries, lookups.departments.names, leaders, is_admin)
        if not any(change.applied for change in row.changes):
            row.action = "unchanged"


def _compare(
    row: RowResult,
    project: Project,
    industries: dict[int, str],
    departments: dict[int, str],
    leaders: dict[int, str],
    is_admin: bool,
) -> None:
    data = row.data

    def differs(field: str, label: str, before: Any, names: dict[int, str] | None = None) -> None:
        after = data.get(field)
        if after in (None, "") or after == before:
            return
        row.changes.append(Change(label, shown(before, names), shown(after, names)))
        row.updates[field] = after

    differs("name", "项目名称", project.name)
    money_change(row, "planned_investment", "计划总投资（万元）", project.planned_investment)
    differs("industry_id", "产业类别", project.industry_id, industries)
    _company(row, project)
    # The 五个一 assignment (牵头部门, 分包领导) of a key project is the admin's,
    # as on the 五个一 page: shown, not written, for anyone else.
    assigns = is_admin or not project.is_key
    held_back = "重点项目的五个一由管理员调整，不导入此项"
    department = data.get("lead_department_id")
    if department and department != project.lead_department_id:
        change = Change("责任单位", shown(project.lead_department_id, departments), shown(department, departments))
        if assigns:
            row.updates["lead_department_id"] = department
        else:
            change.note, change.applied = held_back, False
        row.changes.append(change)
    leader = data.get("responsible_leader_id")
    if leader and leader != project.responsible_leader_id:
        before = project.responsible_leader.name if project.responsible_leader else "—"
        change = Change("分包领导", before, leaders.get(leader, str(leader)))
        if assigns:
            row.updates["responsible_leader_id"] = leader
        else:
            change.note, change.applied = held_back, False
        row.changes.append(change)
    if data.get("is_key") is not None and data["is_key"] != project.is_key:
        yes_no = {True: "是", False: "否"}
        if is_admin:
            row.changes.append(Change("是否重点项目", yes_no[project.is_key], yes_no[data["is_key"]]))
            row.updates["is_key"] = data["is_key"]
        else:
            row.changes.append(
                Change(
                    "是否重点项目",
                    yes_no[project.is_key],
                    yes_no[data["is_key"]],
                    note="仅管理员可调整重点项目，不导入此项",
                    applied=False,
                )
            )
    differs("location", "项目地点", project.location)
    differs("notes", "备注", project.notes)
    _stage(row, project)


def _company(row: RowResult, project: Project) -> None:
    name = row.data.get("company_name")
    if not name:
        return
    if row.company_id is not None and row.company_id == project.company_id:
        return
    if project.company is not None and normalize_company_name(name) == project.company.normalized_name:
        return
    before = project.company.name if project.company else "—"
    row.changes.append(Change("投资方", before, name))
    row.updates["company"] = True  # the commit finds or creates the company


def _stage(row: RowResult, project: Project) -> None:
    stage: Stage | None = row.data.get("stage")
    if stage is None or stage is project.stage:
        return
    if stage is Stage.EXITED:
        note = "退出须在项目页面填写退出原因，本次不改变阶段"
    elif project.stage is Stage.EXITED:
        note = "已退出的项目不由导入恢复，请在项目页面操作"
    elif STAGE_ORDER.index(stage) < STAGE_ORDER.index(project.stage):
        note = "阶段不后退：如需退回，请在项目页面调整并填写说明"
    else:
        row.changes.append(Change("项目阶段", project.stage.label, stage.label))
        row.updates["stage"] = stage
        return
    row.changes.append(Change("项目阶段", project.stage.label, stage.label, note=note, applied=False))
