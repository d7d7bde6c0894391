"""What an approval-ledger row changes, before → after, so the preview shows
it and the commit writes only that — and the rights each change needs.

- No item of that type on the project: a new one (the project's team —
  `can_keep_approvals`; 审批部门 and 计划完成时间 are needed). Created 已办结
  only by whoever may mark it (`can_approve_item`: the approving department
  or admin), else a row error.
- An item of that type: its 审批部门, 计划完成时间, 申报时间 and notes where the
  row differs (a blank cell keeps what is on record) — the team's; the status
  moves forward: 待申报 → 已申报 with the 申报时间, → 已办结 (the approving
  department's right, else a row error), → 无需办理 with its reason. A row
  that would move an item back (已办结 → 在办) is shown, not written: the
  item's page handles that. A 办结时间 differing from an item already 已办结
  is shown, not written.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.imports.rows import CellProblem, Change, RowResult
from app.models import ApprovalItem, ApprovalStatus, Department, Project, Stage, User
from app.permissions import can_approve_item, can_keep_approvals

OPEN = (ApprovalStatus.PENDING, ApprovalStatus.SUBMITTED)
NOT_BACK = "导入不退回办理状态，请在审批事项页处理"


def _day(value: Any) -> str:
    return value.isoformat() if value else "—"


def describe_changes(
    results: list[RowResult],
    errors: list[CellProblem],
    projects: dict[int, Project],
    labels: dict[str, str],
    session: Any,
    actor: User,
) -> None:
    """Fill every matched row's `changes`, `updates`, `action` and
    `existing_id`; add its errors to `errors`. Two queries for the file."""
    items: dict[tuple[int, int], list[ApprovalItem]] = {}
    if projects:
        for item in session.scalars(
            sa.select(ApprovalItem)
            .where(ApprovalItem.project_id.in_(list(projects)), ApprovalItem.archived_at.is_(None))
            .options(joinedload(ApprovalItem.department), joinedload(ApprovalItem.type))
            .order_by(ApprovalItem.id)
        ).unique():
            items.setdefault((item.project_id, item.type_id), []).append(item)
    names = {r.id: r.name for r in session.execute(sa.select(Department.id, Department.name))}
    refused = {error.row for error in errors}  # a row already wrong: its cells are not all read
    for row in results:
        project = projects.get(row.data.get("project_id"))
        if project is None or row.row in refused:
            continue

        def fail(field: str, message: str, row: RowResult = row) -> None:
            errors.append(CellProblem(row.row, labels[field], str(row.data.get(field) or ""), message))

        if project.stage is Stage.EXITED:
            fail("name", "项目已退出，不再维护审批事项。")
            continue
        found = items.get((project.id, row.data["type_id"]), [])
        if len(found) > 1:
            message = f"该项目有 {len(found)} 个「{row.data['type_name']}」事项，无法确定是哪一个；请在审批事项页处理。"
            fail("type", message)
        elif found:
            _update(row, found[0], project, names, actor, fail)
        else:
            _create(row, project, names, actor, fail)


def _create(row: RowResult, project: Project, names: dict[int, str], actor: User, fail: Any) -> None:
    data = row.data
    if not can_keep_approvals(actor, project):
        fail("name", "您无权为该项目添加审批事项（由项目专班或牵头部门维护）。")
        return
    if data.get("department_id") is None:
        if not data.get("department_name"):
            fail("department", "新增审批事项须填写审批部门。")
        return
    if data.get("due_on") is None:
        fail("due_on", "新增审批事项须填写计划完成时间。")
        return
    if data["status"] is ApprovalStatus.APPROVED and not can_approve_item(
        actor, ApprovalItem(department_id=data["department_id"])
    ):
        dept = names.get(data["department_id"], "")
        fail("status", f"已办结须由审批部门（{dept}）或管理员导入；可先导入为已申报，由审批部门标记办结。")
        return
    row.action = "create"
    row.updates["create"] = True


def _update(
    row: RowResult, item: ApprovalItem, project: Project, names: dict[int, str], actor: User, fail: Any
) -> None:
    data = row.data
    row.existing_id = item.id
    edits: dict[str, Any] = {}
    department_id = data.get("department_id")
    if department_id is not None and department_id != item.department_id:
        if item.status is ApprovalStatus.APPROVED:
            fail("department", "已办结的事项不能更换审批部门。")
            return
        edits["department_id"] = department_id
        row.changes.append(Change("审批部门", item.department.name, names.get(department_id, "")))
    if data.get("due_on") and data["due_on"] != item.due_on:
        edits["due_on"] = data["due_on"]
        row.changes.append(Change("计划完成时间", _day(item.due_on), _day(data["due_on"])))
    submitted = data.get("submitted_on")
    if submitted and submitted != item.submitted_on:
        if item.approved_on and submitted > item.approved_on:
            fail("submitted_on", f"申报时间晚于系统中的办结时间 {_day(item.approved_on)}，请核对。")
            return
        edits["submitted_on"] = submitted
        row.changes.append(Change("申报时间", _day(item.submitted_on), _day(submitted)))
    if data.get("notes") and data["notes"] != item.notes:
        edits["notes"] = data["notes"]
        row.changes.append(Change("备注", item.notes or "—", data["notes"]))
    if edits and not can_keep_approvals(actor, project):
        fail("name", "您无权修改该项目的审批事项（由项目专班或牵头部门维护）。")
        return
    if not _status(row, item, submitted or item.submitted_on, department_id or item.department_id, actor, fail):
        return
    if edits:
        row.updates["edits"] = edits
    row.action = "update" if any(change.applied for change in row.changes) else "unchanged"


def _status(row: RowResult, item: ApprovalItem, submitted: Any, department_id: int, actor: User, fail: Any) -> bool:
    """The status move the row asks for; False when the row is refused."""
    target: ApprovalStatus = row.data["status"]
    current = item.status
    change = Change("办理状态", current.label, target.label)
    if target is current:
        approved = row.data.get("approved_on")
        if current is ApprovalStatus.APPROVED and approved and approved != item.approved_on:
            row.changes.append(Change("办结时间", _day(item.approved_on), _day(approved), note=NOT_BACK, applied=False))
        return True
    if target is ApprovalStatus.SUBMITTED and current is ApprovalStatus.PENDING:
        row.changes.append(change)  # the 申报时间 edit moves it
        return True
    if target is ApprovalStatus.APPROVED and current in OPEN:
        if not can_approve_item(actor, ApprovalItem(department_id=department_id)):
            fail("status", "已办结须由审批部门或管理员导入；您不能标记该事项办结。")
            return False
        approved = row.data["approved_on"]
        if submitted and approved < submitted:
            fail("approved_on", f"办结时间早于申报时间 {_day(submitted)}，请核对。")
            return False
        row.changes += [change, Change("办结时间", "—", _day(approved))]
        row.updates["approve"] = approved
        return True
    if target is ApprovalStatus.NOT_NEEDED and current in OPEN:
        if not can_keep_approvals(actor, item.project):
            fail("status", "您无权修改该项目的审批事项（由项目专班或牵头部门维护）。")
            return False
        row.changes.append(change)
        row.updates["not_needed"] = row.data["reason"]
        return True
    if target is ApprovalStatus.NOT_NEEDED and current is ApprovalStatus.APPROVED:
        fail("status", "该事项已办结，不能改为无需办理。")
        return False
    change.note, change.applied = NOT_BACK, False
    row.changes.append(change)
    return True
