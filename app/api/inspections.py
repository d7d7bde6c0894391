"""Inspections (营商环境督办) over the API: the ledger, recording one (the
supervision office — the viewer — and admin), one inspection, and its steps:
`answer` (整改情况, the responsible department), `close` (销号) and `return`
(退回, with a reason) by the supervision office — through
`app.inspections.services`, under the checks of
`app.permissions.inspections`, as on the pages. A department sees only its
own inspections (404 for another's)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from app import clock
from app.api import bp
from app.api.common import Version, check_choice, check_choices, forbid_unless, saving
from app.api.core import ApiError, operation
from app.api.schemas import DateTimeOut, Day, Id, Page, PageQuery, Strict
from app.db import db
from app.inspections import services
from app.inspections.queries import LEVELS, InspectionFilters, ledger_statement
from app.inspections.rules import days_overdue, escalation_of
from app.lookups import department_choices, ref_choices
from app.models import Company, Inspection, InspectionKind, RefKind
from app.pagination import paginate
from app.permissions import get_visible_or_404
from app.permissions.inspections import can_answer_inspection, can_close_inspection, can_record_inspection

TAG = "营商环境督办"
Kind = Literal["inspection", "unannounced", "company_visit"]


class InspectionQuery(PageQuery):
    department_id: Id | None = Field(None, description="被督查单位")
    responsible_department_id: Id | None = Field(None, description="整改责任部门")
    kind: Kind | None = Field(None, description="inspection 督查 / unannounced 暗访 / company_visit 回访企业")
    status: Literal["open", "rectifying", "answered", "closed"] | None = None
    overdue: bool = False
    level: Literal["blue", "yellow", "red"] | None = Field(None, description="督办等级")
    finding_id: Id | None = Field(None, description="发现的问题类型")
    inspected_from: Day | None = Field(None, description="督查日期起")
    inspected_to: Day | None = Field(None, description="督查日期止")
    q: str | None = Field(None, max_length=50)


class InspectionOut(BaseModel):
    id: int
    inspected_on: dt.date
    kind: str
    department_id: int = Field(description="被督查单位")
    company_id: int | None
    findings: list[str]
    description: str
    requirement: str
    deadline: dt.date
    responsible_department_id: int
    status: str
    answer: str | None
    answered_on: dt.date | None
    closed_on: dt.date | None
    escalation: Literal["none", "blue", "yellow", "red"]
    days_overdue: int
    updated_at: DateTimeOut
    version: int


class InspectionIn(Strict):
    inspected_on: Day
    kind: Kind
    department_id: Id = Field(description="被督查单位")
    company_id: Id | None = Field(None, description="回访企业（回访企业时必填）")
    finding_ids: list[Id] = Field(min_length=1, max_length=20)
    description: str = Field(min_length=1, max_length=5000)
    requirement: str = Field(min_length=1, max_length=5000)
    deadline: Day
    responsible_department_id: Id | None = Field(None, description="整改责任部门（默认被督查单位）")


class InspectionStepIn(Strict):
    """answer (整改情况: answer), close (销号: note) or return (退回: reason)."""

    action: Literal["answer", "close", "return"]
    version: Version
    answer: str | None = Field(None, max_length=5000)
    reason: str | None = Field(None, max_length=2000)
    note: str | None = Field(None, max_length=2000)


def inspection_out(inspection: Inspection, today: dt.date | None = None) -> InspectionOut:
    today = today or clock.today()
    return InspectionOut(
        id=inspection.id,
        inspected_on=inspection.inspected_on,
        kind=inspection.kind.value,
        department_id=inspection.department_id,
        company_id=inspection.company_id,
        findings=[item.name for item in inspection.findings],
        description=inspection.description,
        requirement=inspection.requirement,
        deadline=inspection.deadline,
        responsible_department_id=inspection.responsible_department_id,
        status=inspection.status.value,
        answer=inspection.answer,
        answered_on=inspection.answered_on,
        closed_on=inspection.closed_on,
        escalation=escalation_of(inspection, today).key,
        days_overdue=days_overdue(inspection, today),
        updated_at=inspection.updated_at,
        version=inspection.version,
    )


@operation(bp, "GET", "/inspections", summary="督查台账", tag=TAG, query=InspectionQuery, response=Page[InspectionOut])
def list_inspections(query: InspectionQuery):
    today = clock.today()
    filters = InspectionFilters(
        department_id=query.department_id,
        responsible_department_id=query.responsible_department_id,
        kind=InspectionKind(query.kind) if query.kind else None,
        status=query.status,
        overdue=query.overdue,
        level=LEVELS[query.level] if query.level else None,
        finding_id=query.finding_id,
        since=query.inspected_from,
        until=query.inspected_to,
        q=(query.q or "").strip()[:50],
    )
    page = paginate(ledger_statement(filters.all_conditions(current_user, today), today), query.page, query.per_page)
    return Page[InspectionOut](
        items=[inspection_out(item, today) for item in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@operation(
    bp,
    "POST",
    "/inspections",
    summary="记录督查（督查室）",
    tag=TAG,
    body=InspectionIn,
    response=InspectionOut,
    status=201,
    errors=(403, 404, 422),
)
def record_inspection(body: InspectionIn):
    forbid_unless(can_record_inspection(current_user), "只有督查室（督查/只读角色）和管理员可以记录督查。")
    departments = department_choices(blank=None)
    check_choice(body.department_id, departments, "department_id", "请选择被督查单位。")
    check_choice(body.responsible_department_id, departments, "responsible_department_id", "请选择整改责任部门。")
    findings = ref_choices(RefKind.INSPECTION_FINDING, blank=None)
    check_choices(body.finding_ids, findings, "finding_ids", "发现的问题类型无效。")
    if body.company_id is not None:
        get_visible_or_404(Company, body.company_id)
    with saving():
        inspection = services.record_inspection(body.model_dump(), current_user)
    return inspection_out(inspection), 201


@operation(
    bp,
    "GET",
    "/inspections/<int:inspection_id>",
    summary="督查事项",
    tag=TAG,
    response=InspectionOut,
    errors=(404,),
)
def get_inspection(inspection_id: int):
    return inspection_out(get_visible_or_404(Inspection, inspection_id))


def _step(inspection: Inspection, body: InspectionStepIn) -> Any:
    if body.action == "answer":
        return services.answer_inspection(inspection, body.answer, current_user, version=body.version)
    if body.action == "close":
        return services.close_inspection(inspection, current_user, note=body.note, version=body.version)
    return services.return_inspection(inspection, body.reason, current_user, version=body.version)


@operation(
    bp,
    "POST",
    "/inspections/<int:inspection_id>/steps",
    summary="整改情况（责任部门）、销号或退回（督查室），带 version",
    tag=TAG,
    body=InspectionStepIn,
    response=InspectionOut,
    errors=(403, 404, 409, 422),
)
def inspection_step(inspection_id: int, body: InspectionStepIn):
    inspection = get_visible_or_404(Inspection, inspection_id)
    allowed = can_answer_inspection if body.action == "answer" else can_close_inspection
    if not allowed(current_user, inspection):
        raise ApiError(403, "您没有权限执行此操作。")
    with saving():
        _step(inspection, body)
    return inspection_out(db.session.get(Inspection, inspection_id))
