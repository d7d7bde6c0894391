"""The lead's status pipeline (DESIGN.md, Pipelines): forward moves
new → contacted → negotiating, shelving with a reason and un-shelving back to
the status the lead had, conversion to a project in 招引库, archiving. Every
change is one LeadStatusChange and one audit row in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.companies.conflicts import sync_lead_conflicts
from app.concurrency import check_version
from app.db import db
from app.leads.refusals import LeadError
from app.leads.services import FORWARD, OPEN_STATUSES, SHELVABLE, record_status, require_editor
from app.models import Department, Lead, LeadStatus, LeadStatusChange, Project, RefItem, RefKind, Role, Stage, User


def allowed_moves(lead: Lead) -> tuple[LeadStatus, ...]:
    return FORWARD.get(lead.status, ())


def advance(
    lead: Lead, to: LeadStatus, actor: User, *, note: str | None = None, on: dt.date | None = None
) -> LeadStatusChange:
    """A forward move: new → contacted → negotiating."""
    require_editor(actor)
    if to not in allowed_moves(lead):
        raise LeadError(_("线索当前为「%(a)s」，不能改为「%(b)s」。", a=lead.status.label, b=to.label), "to")
    previous = lead.status
    change = record_status(lead, to, actor, on=on, note=(note or "").strip() or None)
    audit.record(
        "status",
        "lead",
        lead.id,
        changes={"status": [previous.value, to.value]},
        summary=f"{lead.title}：{previous.label} → {to.label}",
        user_id=actor.id,
    )
    return change


def shelve(
    lead: Lead, actor: User, *, reason_id: int | None, note: str | None = None, on: dt.date | None = None
) -> LeadStatusChange:
    """Shelve with a reason from the list (其他 and the like need a note);
    un-shelving returns to the status the lead had."""
    require_editor(actor)
    if lead.status not in SHELVABLE:
        raise LeadError(_("线索当前为「%(s)s」，不能搁置。", s=lead.status.label), "reason_id")
    reason = db.session.get(RefItem, reason_id) if reason_id else None
    if reason is None or reason.kind is not RefKind.REASON or not reason.active:
        raise LeadError(_("搁置线索须选择搁置原因。"), "reason_id")
    note = (note or "").strip() or None
    if reason.needs_note and not note:
        raise LeadError(_("搁置原因为「%(r)s」时须填写说明。", r=reason.name), "note")
    if note and len(note) > 2000:
        raise LeadError(_("不能超过 %(n)d 个字符。", n=2000), "note")
    previous = lead.status
    lead.status_before_shelve = previous
    lead.shelve_reason_id = reason.id
    lead.shelve_note = note
    change = record_status(lead, LeadStatus.SHELVED, actor, on=on, reason_id=reason.id, note=note)
    audit.record(
        "shelve",
        "lead",
        lead.id,
        changes={"status": [previous.value, LeadStatus.SHELVED.value], "reason": reason.name, "note": note},
        summary=lead.title,
        user_id=actor.id,
    )
    return change


def unshelve(lead: Lead, actor: User, *, note: str | None = None, on: dt.date | None = None) -> LeadStatusChange:
    """Back to the status the lead had before it was shelved."""
    require_editor(actor)
    if lead.status is not LeadStatus.SHELVED:
        raise LeadError(_("只有已搁置的线索可以恢复跟进。"))
    back = lead.status_before_shelve or (LeadStatus.CONTACTED if lead.contacted_on else LeadStatus.NEW)
    lead.status_before_shelve = None
    lead.shelve_reason_id = None
    lead.shelve_note = None
    change = record_status(lead, back, actor, on=on, note=(note or "").strip() or None)
    audit.record(
        "unshelve",
        "lead",
        lead.id,
        changes={"status": [LeadStatus.SHELVED.value, back.value]},
        summary=lead.title,
        user_id=actor.id,
    )
    return change


def convert_lead(lead: Lead, actor: User, data: dict[str, Any] | None = None, *, version: Any = None) -> Project:
    """Turn an open lead into a project in 招引库 (stage `attracting`) that
    carries its company, industry, amount and location and links back to it
    (`Project.lead_id`, so the lead's visits stay reachable from the
    project); the lead becomes `converted`.

    `data` may override the project's fields (name, planned_investment,
    industry_id, location, description, lead_department_id,
    responsible_leader_id, is_key) and give `on` (date) and `note`. With
    `version` (what the form read) a lead changed since is refused (StaleEdit)."""
    from app.projects.services import StageError, create_project

    if version is not None:
        check_version(lead, "lead", version)
    require_editor(actor)
    data = dict(data or {})
    if lead.status not in OPEN_STATUSES:
        raise LeadError(_("线索当前为「%(s)s」，不能转为项目。", s=lead.status.label))
    on = data.pop("on", None)
    note = (data.pop("note", None) or "").strip() or None
    defaults = {
        "name": lead.title,
        "company_id": lead.company_id,
        "industry_id": lead.industry_id,
        "planned_investment": lead.intended_investment or Decimal("0"),
        "location": lead.intended_location,
        "description": lead.description,
        "lead_department_id": lead.owner_department_id,
    }
    project_data = {**defaults, **{k: v for k, v in data.items() if v not in (None, "")}}
    project_data["company_id"] = lead.company_id
    # Credited to the activity that produced the lead (outcomes.py).
    project_data["activity_id"] = lead.activity_id
    if "is_key" in data:
        # As on the project form and in the API, only an admin makes a project
        # key (a key project's leader is then the admin's to assign).
        project_data["is_key"] = bool(data["is_key"]) and actor.role is Role.ADMIN
    name = (project_data.get("name") or "").strip()
    if not name:
        raise LeadError(_("请填写项目名称。"), "name")
    if len(name) > 200:
        raise LeadError(_("不能超过 %(n)d 个字符。", n=200), "name")
    project_data["name"] = name
    if Decimal(project_data["planned_investment"]) < 0:
        raise LeadError(_("金额不能为负数。"), "planned_investment")
    leader_id = project_data.get("responsible_leader_id")
    if leader_id is not None:
        leader = db.session.get(User, leader_id)
        if leader is None or leader.role is not Role.LEADER or not leader.active:
            raise LeadError(_("责任领导须为在岗的领导。"), "responsible_leader_id")
    dept_id = project_data.get("lead_department_id")
    if dept_id is not None and db.session.get(Department, dept_id) is None:
        raise LeadError(_("请选择牵头部门。"), "lead_department_id")
    try:
        project = create_project(project_data, actor, stage=Stage.ATTRACTING, on=on, lead_id=lead.id, note=note)
    except StageError as exc:
        raise LeadError(str(exc), exc.field) from None
    if lead.owner_user is not None and lead.owner_user.role is Role.STAFF and lead.owner_user not in project.team:
        project.team.append(lead.owner_user)
    previous = lead.status
    record_status(lead, LeadStatus.CONVERTED, actor, on=on, note=note or _("转为项目：%(name)s", name=project.name))
    audit.record(
        "convert",
        "lead",
        lead.id,
        changes={"status": [previous.value, LeadStatus.CONVERTED.value], "project_id": project.id},
        summary=f"{lead.title} → {project.name}",
        user_id=actor.id,
    )
    return project


def archive_lead(lead: Lead, actor: User, reason: str | None = None) -> None:
    """Archive a lead entered by mistake or abandoned (admin restores it);
    its open conflicts are withdrawn with it."""
    from app import archive

    archive.archive("lead", lead, actor, reason)
    db.session.flush()
    sync_lead_conflicts(lead, actor)


def lead_projects(lead: Lead) -> list[Project]:
    return list(db.session.scalars(sa.select(Project).where(Project.lead_id == lead.id, Project.archived_at.is_(None))))
