"""Approval items (审批事项) and meetings (联审联批会): the rules of every
change, each written with its audit row in the caller's transaction.

Status moves: 待申报 → 已申报 (申报日期) → 已办结 (办结日期, by the approving
department), or 无需办理 with a reason. Dates: neither 申报 nor 办结 in the
future; 办结 never before 申报. Items are edited by the project's team; the
approving department's staff (and admin) mark them 已办结 — another
department's item is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import flag_modified

from app import audit, clock
from app.concurrency import check_version
from app.db import db
from app.models import (
    ApprovalDecision,
    ApprovalItem,
    ApprovalMeeting,
    ApprovalStatus,
    Department,
    Project,
    RefItem,
    RefKind,
    Stage,
    User,
)
from app.permissions import can_approve_item
from app.refusals import Refusal

ITEM_FIELDS = (
    "type_id",
    "department_id",
    "due_on",
    "submitted_on",
    "approved_on",
    "status",
    "not_needed_reason",
    "notes",
)


class ApprovalError(Refusal):
    """A refused approval change; `field` names the form field."""


def item_label(item: ApprovalItem) -> str:
    return item.type.name if item.type is not None else _("审批事项")


def _type(type_id: Any) -> RefItem:
    item_type = db.session.get(RefItem, type_id) if type_id else None
    if item_type is None or item_type.kind is not RefKind.APPROVAL_TYPE:
        raise ApprovalError(_("请选择审批事项类型。"), "type_id")
    return item_type


def _department(department_id: Any) -> Department:
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or not department.active:
        raise ApprovalError(_("请选择审批部门。"), "department_id")
    return department


def _check_dates(submitted_on: dt.date | None, approved_on: dt.date | None) -> None:
    today = clock.today()
    if submitted_on is not None and submitted_on > today:
        raise ApprovalError(_("申报日期不能晚于今天。"), "submitted_on")
    if approved_on is not None and approved_on > today:
        raise ApprovalError(_("办结日期不能晚于今天。"), "approved_on")
    if submitted_on is not None and approved_on is not None and approved_on < submitted_on:
        raise ApprovalError(
            _(
                "办结日期 %(approved)s 早于申报日期 %(submitted)s，请核对。",
                approved=approved_on.isoformat(),
                submitted=submitted_on.isoformat(),
            ),
            "approved_on",
        )


def add_item(project: Project, data: dict[str, Any], actor: User) -> ApprovalItem:
    """A new item on `project`: type, approving department, 计划完成日期, and
    what is already known (申报日期; 办结日期 only from whoever may approve
    for that department)."""
    if project.stage is Stage.EXITED:
        raise ApprovalError(_("项目已退出，不能再添加审批事项。"))
    item_type = _type(data.get("type_id"))
    department = _department(data.get("department_id"))
    if data.get("due_on") is None:
        raise ApprovalError(_("请填写计划完成日期。"), "due_on")
    submitted_on, approved_on = data.get("submitted_on"), data.get("approved_on")
    _check_dates(submitted_on, approved_on)
    item = ApprovalItem(
        project_id=project.id,
        type_id=item_type.id,
        department_id=department.id,
        due_on=data["due_on"],
        submitted_on=submitted_on,
        notes=(data.get("notes") or "").strip() or None,
        status=ApprovalStatus.SUBMITTED if submitted_on else ApprovalStatus.PENDING,
        created_by_id=actor.id,
    )
    item.project, item.type, item.department = project, item_type, department
    if approved_on is not None:
        if not can_approve_item(actor, item):
            raise ApprovalError(_("办结须由审批部门（%(dept)s）标记。", dept=department.name), "approved_on")
        item.approved_on = approved_on
        item.submitted_on = submitted_on or approved_on
        item.status = ApprovalStatus.APPROVED
    db.session.add(item)
    db.session.flush()
    audit.record(
        "create",
        "approval_item",
        item.id,
        changes={"project_id": project.id, **audit.snapshot(item, ITEM_FIELDS)},
        summary=_("%(project)s：审批事项『%(type)s』", project=project.name, type=item_type.name),
        user_id=actor.id,
    )
    from app.notify import events

    events.approval_assigned(item, item_type.name, actor)
    return item


def update_item(item: ApprovalItem, data: dict[str, Any], actor: User, *, version: Any) -> ApprovalItem:
    """The team corrects an item's type, approving department, dates due and
    submitted, and notes (a 办结 is the approving department's: `approve`)."""
    check_version(item, "approval_item", version)
    before = audit.snapshot(item, ITEM_FIELDS)
    if "type_id" in data:
        item.type = _type(data["type_id"])
    if "department_id" in data:
        if item.status is ApprovalStatus.APPROVED and data["department_id"] != item.department_id:
            raise ApprovalError(_("已办结的事项不能更换审批部门。"), "department_id")
        item.department = _department(data["department_id"])
    if "due_on" in data:
        if data["due_on"] is None:
            raise ApprovalError(_("请填写计划完成日期。"), "due_on")
        item.due_on = data["due_on"]
    if "submitted_on" in data:
        if data["submitted_on"] is None and item.status is ApprovalStatus.APPROVED:
            raise ApprovalError(_("已办结的事项须保留申报日期。"), "submitted_on")
        _check_dates(data["submitted_on"], item.approved_on)
        if data["submitted_on"] is None and item.status is ApprovalStatus.SUBMITTED:
            item.status = ApprovalStatus.PENDING
        elif data["submitted_on"] is not None and item.status is ApprovalStatus.PENDING:
            item.status = ApprovalStatus.SUBMITTED
        item.submitted_on = data["submitted_on"]
    if "notes" in data:
        item.notes = (data["notes"] or "").strip() or None
    _record(item, before, actor, _("修改审批事项"))
    if item.department_id != before.get("department_id"):
        from app.notify import events

        events.approval_assigned(item, item.type.name, actor)
    return item


def submit(item: ApprovalItem, on: dt.date | None, actor: User) -> ApprovalItem:
    """申报: 待申报 → 已申报 on `on` (default today)."""
    if item.status is not ApprovalStatus.PENDING:
        raise ApprovalError(
            _("『%(type)s』当前为「%(status)s」，不能再申报。", type=item_label(item), status=item.status.label)
        )
    on = on or clock.today()
    _check_dates(on, None)
    before = audit.snapshot(item, ITEM_FIELDS)
    item.submitted_on, item.status = on, ApprovalStatus.SUBMITTED
    _record(item, before, actor, _("申报"))
    return item


def approve(item: ApprovalItem, on: dt.date | None, actor: User, *, version: Any = None) -> ApprovalItem:
    """办结, by the approving department (or admin); a 待申报 item is taken as
    申报 the same day."""
    if version is not None:
        check_version(item, "approval_item", version)
    if not can_approve_item(actor, item):
        raise ApprovalError(
            _("『%(type)s』由%(dept)s审批，只有该部门可以标记办结。", type=item_label(item), dept=item.department.name)
        )
    if item.status not in (ApprovalStatus.PENDING, ApprovalStatus.SUBMITTED):
        raise ApprovalError(
            _("『%(type)s』当前为「%(status)s」，无需再办结。", type=item_label(item), status=item.status.label)
        )
    on = on or clock.today()
    _check_dates(item.submitted_on, on)
    before = audit.snapshot(item, ITEM_FIELDS)
    item.submitted_on = item.submitted_on or on
    item.approved_on, item.status = on, ApprovalStatus.APPROVED
    _record(item, before, actor, _("办结"))
    return item


def not_needed(item: ApprovalItem, reason: str | None, actor: User) -> ApprovalItem:
    """无需办理, with the reason (e.g. 已并入其他审批)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError(_("标记无需办理须写明原因。"), "not_needed_reason")
    if item.status is ApprovalStatus.APPROVED:
        raise ApprovalError(_("『%(type)s』已办结。", type=item_label(item)))
    before = audit.snapshot(item, ITEM_FIELDS)
    item.status, item.not_needed_reason = ApprovalStatus.NOT_NEEDED, reason[:500]
    _record(item, before, actor, _("无需办理"))
    return item


def _record(item: ApprovalItem, before: dict[str, Any], actor: User, what: str) -> None:
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(item, ITEM_FIELDS))
    if changes:
        audit.record(
            "update",
            "approval_item",
            item.id,
            changes={"project_id": item.project_id, **changes},
            summary=f"{item.project.name}：{item_label(item)} {what}",
            user_id=actor.id,
        )


def open_items(project_id: int) -> list[ApprovalItem]:
    """The project's items still 待申报 / 已申报 (what 开工 waits for)."""
    from app.approvals.rules import open_condition

    return list(
        db.session.scalars(
            sa.select(ApprovalItem)
            .where(ApprovalItem.project_id == project_id, open_condition())
            .order_by(ApprovalItem.due_on, ApprovalItem.id)
        )
    )


# --- meetings ----------------------------------------------------------------------------


MEETING_FIELDS = ("held_on", "title", "chair_id", "notes")


def save_meeting(
    data: dict[str, Any],
    decisions: dict[int, str],
    actor: User,
    meeting: ApprovalMeeting | None = None,
    *,
    version: Any = None,
) -> ApprovalMeeting:
    """A meeting and what it decided for each item ({item id: decision}); on
    an existing meeting an empty decision removes that item's decision (the
    item was listed by mistake). `version` guards an edit."""
    title = (data.get("title") or "").strip()
    if not title:
        raise ApprovalError(_("请填写会议名称。"), "title")
    if data.get("held_on") is None:
        raise ApprovalError(_("请填写会议日期。"), "held_on")
    if data["held_on"] > clock.today():
        raise ApprovalError(_("会议日期不能晚于今天（会后记录）。"), "held_on")
    chair_id = data.get("chair_id") or None
    if chair_id is not None and db.session.get(User, chair_id) is None:
        raise ApprovalError(_("主持人不存在。"), "chair_id")
    created = meeting is None
    if meeting is None:
        meeting = ApprovalMeeting(created_by_id=actor.id)
        db.session.add(meeting)
    elif version is not None:
        check_version(meeting, "approval_meeting", version)
    before = {} if created else audit.snapshot(meeting, MEETING_FIELDS)
    meeting.held_on, meeting.title = data["held_on"], title[:200]
    meeting.chair_id = chair_id
    meeting.notes = (data.get("notes") or "").strip() or None
    db.session.flush()
    existing = {d.item_id: d for d in meeting.decisions}
    added: dict[str, str] = {}
    changed: dict[str, list[str]] = {}
    removed: dict[str, str] = {}
    for item_id, text in decisions.items():
        text = (text or "").strip()
        decision = existing.get(item_id)
        if not text:
            if decision is not None:
                removed[str(item_id)] = decision.decision
                meeting.decisions.remove(decision)
            continue
        if decision is not None:
            if decision.decision != text:
                changed[str(item_id)] = [decision.decision, text]
                decision.decision = text
            continue
        if db.session.get(ApprovalItem, item_id) is None:
            raise ApprovalError(_("审批事项不存在。"))
        meeting.decisions.append(ApprovalDecision(item_id=item_id, decision=text))
        added[str(item_id)] = text
    if not created and (added or changed or removed):
        flag_modified(meeting, "title")  # a new version for a change of decisions alone
    db.session.flush()
    after = audit.snapshot(meeting, MEETING_FIELDS)
    changes: dict[str, Any] = after if created else audit.diff(before, after)
    for key, value in (("decisions", added), ("decisions_changed", changed), ("decisions_removed", removed)):
        if value:
            changes[key] = value
    if created or changes:
        audit.record(
            "create" if created else "update",
            "approval_meeting",
            meeting.id,
            changes=changes,
            summary=title,
            user_id=actor.id,
        )
    return meeting
