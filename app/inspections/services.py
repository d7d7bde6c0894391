"""The life cycle of an inspection (营商环境督办):

    recorded → rectifying 待整改 (整改要求, 整改时限, 责任部门)
    → answered 已反馈 (the department's 整改情况)
    → closed 已销号 (the supervisor accepts)
    answered → rectifying again when the supervisor sends it back (退回, a reason).

Every step is one InspectionEvent and one audit row in the caller's
transaction; who may take which step is decided in
`app.permissions.inspections`. Steps carry the version the form was read at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.concurrency import check_version
from app.db import db
from app.models import (
    Company,
    Department,
    Inspection,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    RefItem,
    RefKind,
    User,
)
from app.refusals import Refusal

MAX_TEXT = 5000


class InspectionError(Refusal):
    """A refused step; the message is for the user, `field` for the form."""


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InspectionError(message, field)
    if len(text) > MAX_TEXT:
        raise InspectionError(_("内容过长（最多 %(n)d 字）。", n=MAX_TEXT), field)
    return text


def _department(department_id: Any, field: str, message: str) -> Department:
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or not department.active:
        raise InspectionError(message, field)
    return department


def _findings(ids: Iterable[Any] | None) -> list[RefItem]:
    wanted = {int(i) for i in ids or () if i}
    if not wanted:
        raise InspectionError(_("请选择至少一项发现的问题（不作为、慢作为、乱作为等）。"), "finding_ids")
    items = db.session.scalars(
        sa.select(RefItem).where(RefItem.id.in_(wanted), RefItem.kind == RefKind.INSPECTION_FINDING)
    ).all()
    if len(items) != len(wanted):
        raise InspectionError(_("发现的问题类型无效。"), "finding_ids")
    return sorted(items, key=lambda item: (item.sort_order, item.id))


def _event(inspection: Inspection, to: InspectionStatus, actor: User, note: str | None) -> None:
    old = inspection.status
    db.session.add(
        InspectionEvent(inspection_id=inspection.id, from_status=old, to_status=to, actor_id=actor.id, note=note)
    )
    inspection.status = to
    audit.record(
        "status",
        "inspection",
        inspection.id,
        changes={"status": [old.value, to.value], **({"note": note} if note else {})},
        summary=f"{old.label} → {to.label}",
        user_id=actor.id,
    )


def _expect(inspection: Inspection, *allowed: InspectionStatus) -> None:
    if inspection.status not in allowed or inspection.archived_at is not None:
        raise InspectionError(
            _(
                "该督查事项当前为「%(status)s」，不能执行此操作（可能已被他人处理，请刷新页面）。",
                status=inspection.status.label,
            )
        )


def record_inspection(data: dict[str, Any], actor: User) -> Inspection:
    """A supervisor records an inspection and the rectification it requires.

    `data`: inspected_on, kind, department_id (被督查单位), company_id
    (optional), finding_ids, description, requirement, deadline,
    responsible_department_id (defaults to the unit inspected)."""
    today = clock.today()
    inspected_on = data.get("inspected_on")
    if not isinstance(inspected_on, dt.date):
        raise InspectionError(_("请填写督查日期。"), "inspected_on")
    if inspected_on > today:
        raise InspectionError(_("督查日期不能晚于今天。"), "inspected_on")
    try:
        kind = InspectionKind(data.get("kind"))
    except ValueError:
        raise InspectionError(_("请选择督查方式。"), "kind") from None
    unit = _department(data.get("department_id"), "department_id", _("请选择被督查单位。"))
    responsible = _department(
        data.get("responsible_department_id") or unit.id, "responsible_department_id", _("请选择整改责任部门。")
    )
    company = None
    if data.get("company_id"):
        company = db.session.get(Company, data["company_id"])
        if company is None or company.archived_at is not None:
            raise InspectionError(_("回访的企业不存在。"), "company_id")
    if kind is InspectionKind.COMPANY_VISIT and company is None:
        raise InspectionError(_("回访企业须选择企业。"), "company_id")
    findings = _findings(data.get("finding_ids"))
    description = _text(data.get("description"), "description", _("请填写督查情况。"))
    requirement = _text(data.get("requirement"), "requirement", _("请填写整改要求。"))
    deadline = data.get("deadline")
    if not isinstance(deadline, dt.date):
        raise InspectionError(_("请填写整改时限。"), "deadline")
    if deadline < inspected_on:
        raise InspectionError(_("整改时限不能早于督查日期。"), "deadline")
    inspection = Inspection(
        inspected_on=inspected_on,
        kind=kind,
        department_id=unit.id,
        company_id=company.id if company else None,
        description=description,
        requirement=requirement,
        deadline=deadline,
        responsible_department_id=responsible.id,
        status=InspectionStatus.RECTIFYING,
        created_by_id=actor.id,
    )
    inspection.findings = findings
    db.session.add(inspection)
    db.session.flush()
    db.session.add(
        InspectionEvent(
            inspection_id=inspection.id,
            from_status=None,
            to_status=InspectionStatus.RECTIFYING,
            actor_id=actor.id,
            note=requirement,
        )
    )
    audit.record(
        "create",
        "inspection",
        inspection.id,
        changes={
            "inspected_on": inspected_on.isoformat(),
            "kind": kind.value,
            "department_id": unit.id,
            "responsible_department_id": responsible.id,
            "deadline": deadline.isoformat(),
            "findings": [item.name for item in findings],
        },
        summary=f"{kind.label} {unit.name}：{'、'.join(item.name for item in findings)}",
        user_id=actor.id,
    )
    db.session.flush()
    from app.notify import events

    events.inspection_rectification(inspection, actor)
    return inspection


def answer_inspection(inspection: Inspection, answer: str | None, actor: User, *, version: Any) -> Inspection:
    """整改情况: the responsible department's answer (待整改 → 已反馈)."""
    check_version(inspection, "inspection", version)
    _expect(inspection, InspectionStatus.RECTIFYING)
    text = _text(answer, "answer", _("请填写整改情况。"))
    inspection.answer = text
    inspection.answered_on = clock.today()
    _event(inspection, InspectionStatus.ANSWERED, actor, text)
    db.session.flush()
    return inspection


def close_inspection(inspection: Inspection, actor: User, *, note: str | None = None, version: Any) -> Inspection:
    """销号: the supervisor accepts the rectification (已反馈 → 已销号)."""
    check_version(inspection, "inspection", version)
    _expect(inspection, InspectionStatus.ANSWERED)
    inspection.closed_on = clock.today()
    _event(inspection, InspectionStatus.CLOSED, actor, (note or "").strip() or None)
    db.session.flush()
    return inspection


def return_inspection(inspection: Inspection, reason: str | None, actor: User, *, version: Any) -> Inspection:
    """退回: the answer is not enough (已反馈 → 待整改), with a reason."""
    check_version(inspection, "inspection", version)
    _expect(inspection, InspectionStatus.ANSWERED)
    text = _text(reason, "reason", _("退回须填写原因。"))
    inspection.answered_on = None
    _event(inspection, InspectionStatus.RECTIFYING, actor, _("退回：%(reason)s", reason=text))
    db.session.flush()
    return inspection
