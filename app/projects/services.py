"""Project rules: creating a project (also from a lead), editing its facts
and moving it between stages (DESIGN.md, Pipelines). Every move is one
StageChange and one audit row in the caller's transaction; the dates a
project first reached signed / landed / construction / production are
maintained here, so the funnel and 三个一批 read them without replaying
history. `stage_changed_at` follows the business date of the move, so
"days in the current stage" is right for back-dated moves too.

The five ones (leader, team, plan) live in `assignment.py`; milestones,
progress updates and instructions in `follow_through.py`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.activity_links import linkable_activity
from app.concurrency import check_version
from app.db import db, utcnow
from app.models import STAGE_ORDER, Company, LeaderHandover, Project, RefItem, RefKind, Role, Stage, StageChange, User
from app.refusals import Refusal
from app.search import search_text

PROJECT_FIELDS = (
    "name",
    "company_id",
    "industry_id",
    "is_key",
    "level",
    "kind_id",
    "planned_investment",
    "land_area",
    "expected_output",
    "expected_tax",
    "location",
    "description",
    "notes",
    "lead_department_id",
    "responsible_leader_id",
    "activity_id",
)

# Maintained "first reached" dates, by stage.
REACHED_COLUMN = {
    Stage.SIGNED: "signed_on",
    Stage.LANDED: "landed_on",
    Stage.CONSTRUCTION: "construction_on",
    Stage.PRODUCTION: "production_on",
}


class ProjectError(Refusal):
    """A refused change; the message is for the user, `field` for the form."""


class StageError(ProjectError):
    """A refused stage move."""


def create_project(
    data: dict[str, Any],
    actor: User,
    *,
    stage: Stage = Stage.PLANNING,
    on: dt.date | None = None,
    lead_id: int | None = None,
    note: str | None = None,
) -> Project:
    """A new project in `stage` with its opening StageChange."""
    if stage is Stage.EXITED:
        raise StageError(_("新项目不能直接处于退出状态。"), "stage")
    when = on or clock.today()
    if when > clock.today():
        raise StageError(_("变更日期不能晚于今天。"), "on")
    _validate_facts(data)
    if lead_id is None and data.get("activity_id") is not None:
        data = {**data, "activity_id": linkable_activity(data["activity_id"], actor)}
    project = Project(stage=stage, stage_changed_at=_moment(when), created_by_id=actor.id, lead_id=lead_id)
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    if project.planned_investment is None:
        project.planned_investment = Decimal("0")
    project.search_text = search_text(project.name)
    db.session.add(project)
    db.session.flush()
    _mark_reached(project, stage, when)
    if project.responsible_leader_id is not None:
        db.session.add(
            LeaderHandover(
                project_id=project.id,
                from_leader_id=None,
                to_leader_id=project.responsible_leader_id,
                reason=_("立项时明确责任领导"),
                changed_by_id=actor.id,
            )
        )
    db.session.add(
        StageChange(
            project_id=project.id, from_stage=None, to_stage=stage, changed_on=when, changed_by_id=actor.id, note=note
        )
    )
    audit.record(
        "create",
        "project",
        project.id,
        changes=audit.snapshot(project, (*PROJECT_FIELDS, "stage")),
        summary=project.name,
        user_id=actor.id,
    )
    return project


def _mark_reached(project: Project, stage: Stage, when: dt.date) -> None:
    """Set the first-reached date of `stage` and of every earlier tracked stage
    it implies (a project that skips ahead has passed them too)."""
    if stage not in STAGE_ORDER:
        return
    for earlier in STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]:
        column = REACHED_COLUMN.get(earlier)
        if column and getattr(project, column) is None:
            setattr(project, column, when)


def move_stage(
    project: Project,
    to: Stage,
    actor: User,
    *,
    note: str | None = None,
    reason_id: int | None = None,
    on: dt.date | None = None,
) -> StageChange:
    """Move `project` to `to` by DESIGN.md's rules:
    forward one step freely; skipping ahead or moving back needs a note;
    exit needs a reason (and a note when the reason asks for one); only an
    admin reopens an exited project. Starting construction (开工) while
    approval items are still open needs a note: 容缺受理 is allowed and
    recorded, with the items it went ahead without."""
    note = (note or "").strip() or None
    when = on or clock.today()
    if when > clock.today():
        raise StageError(_("变更日期不能晚于今天。"), "on")
    current = project.stage
    if to is current:
        raise StageError(_("项目已处于「%(stage)s」阶段。", stage=to.label), "to")

    if to is Stage.EXITED:
        reason = db.session.get(RefItem, reason_id) if reason_id else None
        if reason is None or reason.kind is not RefKind.REASON:
            raise StageError(_("退出项目须选择退出原因。"), "reason_id")
        if reason.needs_note and not note:
            raise StageError(_("退出原因为「%(reason)s」时须填写说明。", reason=reason.name), "note")
        project.exit_from_stage = current
        project.exit_reason_id = reason.id
        project.exit_note = note
    elif current is Stage.EXITED:
        if actor.role is not Role.ADMIN:
            raise StageError(_("只有管理员可以重新启用已退出的项目。"), "to")
        if not note:
            raise StageError(_("重新启用项目须填写说明。"), "note")
        project.exit_reason_id = None
        project.exit_note = None
        project.exit_from_stage = None
    else:
        step = STAGE_ORDER.index(to) - STAGE_ORDER.index(current)
        if step > 1 and not note:
            raise StageError(_("跨阶段推进（%(a)s → %(b)s）须填写说明。", a=current.label, b=to.label), "note")
        if step < 0 and not note:
            raise StageError(_("退回到「%(stage)s」须填写说明。", stage=to.label), "note")

    waived = _approvals_waived(project, current, to, note)
    project.stage = to
    project.stage_changed_at = _moment(when)
    _mark_reached(project, to, when)
    change = StageChange(
        project_id=project.id,
        from_stage=current,
        to_stage=to,
        changed_on=when,
        changed_by_id=actor.id,
        note=note,
        reason_id=reason_id if to is Stage.EXITED else None,
    )
    db.session.add(change)
    audit.record(
        "stage",
        "project",
        project.id,
        changes={"stage": [current.value, to.value], **({"open_approvals": waived} if waived else {})},
        summary=f"{project.name}：{current.label} → {to.label}",
        user_id=actor.id,
    )
    return change


def _approvals_waived(project: Project, current: Stage, to: Stage, note: str | None) -> list[str]:
    """The open approval items a move into construction goes ahead without
    (refused without a note); [] for any other move."""
    from app.approvals.services import item_label, open_items

    if to not in (Stage.CONSTRUCTION, Stage.PRODUCTION) or project.construction_on is not None:
        return []
    if current is Stage.EXITED:
        return []
    names = [item_label(item) for item in open_items(project.id)]
    if names and not note:
        raise StageError(
            _(
                "尚有 %(n)d 项审批事项未办结（%(names)s），开工须在说明中写明容缺受理情况。",
                n=len(names),
                names="、".join(names[:5]) + ("等" if len(names) > 5 else ""),
            ),
            "note",
        )
    return names


# --- helpers and edits --------------------------------------------------------

# Facts anyone who may edit the project may change; `is_key` and `level`
# (省/市/区重点: a designation, not a fact the team chooses) are the admin's.
EDIT_FIELDS = (
    "name",
    "company_id",
    "industry_id",
    "kind_id",
    "planned_investment",
    "land_area",
    "expected_output",
    "expected_tax",
    "location",
    "description",
    "notes",
)
ADMIN_FIELDS = ("is_key", "level")
MONEY_FIELDS = ("planned_investment", "land_area", "expected_output", "expected_tax")


def _moment(when: dt.date) -> dt.datetime:
    """When the stage changed: now for today's moves, else the business date."""
    if when >= clock.today():
        return utcnow()
    return dt.datetime.combine(when, dt.time.min)


def _activity(project: Project, activity_id: Any, actor: User) -> int | None:
    """The activity a project names: a converted project's follows its lead
    (a signing counts for the activity that produced the lead)."""
    wanted = int(activity_id) if str(activity_id or "").isdigit() else activity_id or None
    if project.lead_id is not None:
        if wanted != project.activity_id:
            raise ProjectError(_("该项目由线索转入，所属招商活动随来源线索，请在线索上修改。"), "activity_id")
        return project.activity_id
    return linkable_activity(activity_id, actor, current=project.activity_id)


def _validate_facts(data: dict[str, Any]) -> None:
    if "name" in data and not (data["name"] or "").strip():
        raise ProjectError(_("请填写项目名称。"), "name")
    for field in MONEY_FIELDS:
        value = data.get(field)
        if value is not None and Decimal(value) < 0:
            if field == "planned_investment":
                raise ProjectError(_("计划总投资不能为负数。"), field)
            raise ProjectError(_("该数值不能为负数。"), field)


def stage_entered_on(project: Project) -> dt.date:
    """The (local) date the project entered its current stage."""
    return clock.local(project.stage_changed_at).date()


def days_in_stage(project: Project, today: dt.date | None = None) -> int:
    """Whole days since the project entered its current stage."""
    today = today or clock.today()
    return max(0, (today - stage_entered_on(project)).days)


def resolve_company(name: str | None, actor: User, department_id: int | None) -> Company | None:
    """The company called `name` (same normalized name, not merged away), or a
    new company record made by the companies service (its first-reporting
    department is the project's); None for an empty name."""
    from app.companies.names import normalize_company_name
    from app.companies.services import CompanyError, create_company

    name = (name or "").strip()
    if not name:
        return None
    normalized = normalize_company_name(name) or name
    company = db.session.scalar(
        sa.select(Company)
        .where(Company.normalized_name == normalized, Company.merged_into_id.is_(None), Company.archived_at.is_(None))
        .order_by(Company.id)
        .limit(1)
    )
    if company is not None:
        return company
    try:
        company = create_company({"name": name}, actor)
    except CompanyError as exc:
        raise ProjectError(str(exc), "company_name") from None
    if company.first_department_id is None:
        company.first_department_id = department_id
        company.first_reported_on = clock.today()
    return company


def update_project(project: Project, data: dict[str, Any], actor: User, *, version: Any) -> Project:
    """Save the facts of `project` from `data`; refused when the record
    changed since the form was loaded (StaleEdit). Only an admin may
    change `is_key` and `level`."""
    check_version(project, "project", version)
    _validate_facts(data)
    if "activity_id" in data:
        data = {**data, "activity_id": _activity(project, data["activity_id"], actor)}
    fields = (*EDIT_FIELDS, "activity_id", *(ADMIN_FIELDS if actor.role is Role.ADMIN else ()))
    before = audit.snapshot(project, fields)
    for field in fields:
        if field in data:
            setattr(project, field, data[field])
    if project.planned_investment is None:
        project.planned_investment = Decimal("0")
    project.search_text = search_text(project.name)
    changes = audit.diff(before, audit.snapshot(project, fields))
    if changes:
        audit.record("update", "project", project.id, changes=changes, summary=project.name, user_id=actor.id)
    db.session.flush()
    return project
