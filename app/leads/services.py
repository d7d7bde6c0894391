"""Lead rules: creating and editing a lead (with the company resolved and
the 撞单 warning raised before anything is saved), the status pipeline of
DESIGN.md (every change recorded with who/when, shelving with a reason,
un-shelving back to the previous status) and conversion to a project.

Maintained columns: `status_changed_at`; `contacted_on`, `negotiating_on`,
`converted_on` (the first time the lead reached the step — kept when it is
shelved later; reaching a step implies the earlier ones); `has_conflict`
(companies.conflicts); `last_visit_on` (leads.visits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.companies import credit_code as cc
from app.companies.conflicts import sync_lead_conflicts
from app.companies.names import normalize_company_name
from app.companies.services import (
    CompanyError,
    Follower,
    Match,
    build_company,
    clean_credit_code,
    create_company,
    find_matches,
    followers,
    live,
    other_followers,
    refresh_names,
)
from app.concurrency import check_version
from app.db import db, utcnow
from app.models import (
    Company,
    Department,
    Lead,
    LeadStatus,
    LeadStatusChange,
    Project,
    RefItem,
    RefKind,
    Role,
    Stage,
    User,
)
from app.params import parse_id
from app.permissions import department_ids_in_scope
from app.refusals import Refusal

LEAD_FIELDS = (
    "company_id",
    "title",
    "source_id",
    "industry_id",
    "intended_investment",
    "contact_name",
    "contact_phone",
    "intended_location",
    "description",
    "owner_department_id",
    "owner_user_id",
    "received_on",
)
TEXT_LIMITS = {
    "title": 200,
    "contact_name": 50,
    "contact_phone": 30,
    "intended_location": 200,
    "description": 5000,
}
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING)
# Manual forward moves; `converted` goes through convert_lead, `shelved`
# through shelve.
FORWARD = {
    LeadStatus.NEW: (LeadStatus.CONTACTED, LeadStatus.NEGOTIATING),
    LeadStatus.CONTACTED: (LeadStatus.NEGOTIATING,),
}
# A converted lead may still be shelved (its project fell through); the
# funnel keeps `converted_on`.
SHELVABLE = (*OPEN_STATUSES, LeadStatus.CONVERTED)
REACHED = {
    LeadStatus.CONTACTED: ("contacted_on",),
    LeadStatus.NEGOTIATING: ("contacted_on", "negotiating_on"),
    LeadStatus.CONVERTED: ("contacted_on", "negotiating_on", "converted_on"),
}


class LeadError(Refusal):
    """A refused lead change; `field` names the form field it concerns."""


class DuplicateWarning(LeadError):  # noqa: N818 - a request to confirm, not a failure
    """Saving must wait for the person: `choose` — the company typed may be
    one already on file (pick one or say it is new); `confirm` — the company
    is followed by another department (撞单), save anyway?"""

    quiet = True  # the form shows the question with the matches

    def __init__(
        self,
        kind: str,
        *,
        matches: list[Match] | None = None,
        company: Company | None = None,
        followers: dict[int, list[Follower]] | None = None,
    ) -> None:
        message = (
            _("企业库中可能已有该企业，请选择或确认新建。")
            if kind == "choose"
            else _("该企业已有其他部门跟进（撞单），请确认后再保存。")
        )
        super().__init__(message, "company_name")
        self.kind = kind
        self.matches = matches or []
        self.company = company
        self.followers = followers or {}


# --- who may own what -----------------------------------------------------------


def owner_department_ids(actor: User) -> set[int] | None:
    """Departments `actor` may make a lead's owner (None: any)."""
    if actor.role is Role.ADMIN:
        return None
    depts = department_ids_in_scope(actor)
    if depts is None:
        return None
    allowed = set(depts)
    if actor.department_id is not None:
        allowed.add(actor.department_id)
    return allowed


def _require_editor(actor: User) -> None:
    if actor.role not in (Role.ADMIN, Role.STAFF):
        raise LeadError(_("您没有权限修改招商线索。"))


def ref_item_id(ref_id: int | None, kind: RefKind, field_name: str, *, current: int | None = None) -> int | None:
    """`ref_id` when it is an active entry of list `kind` (or the record's
    `current` value, kept though deactivated since)."""
    if ref_id is None:
        return None
    item = db.session.get(RefItem, ref_id)
    if item is None or item.kind is not kind or (not item.active and item.id != current):
        raise LeadError(_("所选项不存在或不可选，请重新选择。"), field_name)
    return item.id


def clean_texts(data: dict[str, Any], limits: dict[str, int]) -> dict[str, str | None]:
    """Stripped text fields (None when blank), each within its limit."""
    values: dict[str, str | None] = {}
    for name, limit in limits.items():
        text = (data.get(name) or "").replace("\x00", "").strip()
        if len(text) > limit:
            raise LeadError(_("不能超过 %(n)d 个字符。", n=limit), name)
        values[name] = text or None
    return values


def _clean_fields(data: dict[str, Any], actor: User, lead: Lead | None) -> dict[str, Any]:
    values: dict[str, Any] = clean_texts(data, TEXT_LIMITS)
    if not values["title"]:
        raise LeadError(_("请填写投资意向。"), "title")
    values["source_id"] = ref_item_id(
        data.get("source_id"), RefKind.SOURCE, "source_id", current=lead.source_id if lead else None
    )
    values["industry_id"] = ref_item_id(
        data.get("industry_id"), RefKind.INDUSTRY, "industry_id", current=lead.industry_id if lead else None
    )
    amount = data.get("intended_investment")
    if amount is not None:
        try:
            amount = Decimal(str(amount))
        except ArithmeticError:
            raise LeadError(_("请输入数字金额（万元）。"), "intended_investment") from None
        if not amount.is_finite() or amount < 0:
            raise LeadError(_("金额不能为负数。"), "intended_investment")
    values["intended_investment"] = amount

    dept_id = data.get("owner_department_id")
    department = db.session.get(Department, dept_id) if dept_id else None
    allowed = owner_department_ids(actor)
    unchanged = lead is not None and dept_id == lead.owner_department_id
    if department is None or (not department.active and not unchanged):
        raise LeadError(_("请选择责任单位。"), "owner_department_id")
    if allowed is not None and department.id not in allowed and not unchanged:
        raise LeadError(_("只能将线索登记在您的数据范围内的部门。"), "owner_department_id")
    values["owner_department_id"] = department.id

    owner_id = data.get("owner_user_id")
    if owner_id is not None:
        owner = db.session.get(User, owner_id)
        unchanged_owner = lead is not None and owner_id == lead.owner_user_id
        if owner is None or (not owner.active and not unchanged_owner) or owner.department_id != department.id:
            raise LeadError(_("责任人须为责任单位的在岗人员。"), "owner_user_id")
        if actor.role is Role.STAFF and department_ids_in_scope(actor) == set() and owner.id != actor.id:
            raise LeadError(_("您的数据范围为本人，责任人只能是您自己。"), "owner_user_id")
    values["owner_user_id"] = owner_id

    received = data.get("received_on") or dt.date.today()
    if received > dt.date.today():
        raise LeadError(_("收到日期不能晚于今天。"), "received_on")
    if received < dt.date(2000, 1, 1):
        raise LeadError(_("收到日期有误，请核对。"), "received_on")
    values["received_on"] = received
    return values


# --- the company behind a lead ---------------------------------------------------


@dataclass
class CompanyChoice:
    company: Company | None  # an existing company, or None to create one
    new_data: dict[str, Any]
    set_credit_code: str | None = None


def resolve_company(
    data: dict[str, Any], owner_department_id: int, *, current: Company | None = None, confirm: bool = False
) -> CompanyChoice:
    """Which company the lead is about, raising DuplicateWarning when the
    person must choose among look-alikes or confirm a 撞单 first.

    `data`: company_id (picked from the lookup), company_name, credit_code,
    company_choice ('new' or an id from a previous warning), tier_ids and
    hq_region (for a new company)."""
    name = " ".join((data.get("company_name") or "").split())
    code_raw = data.get("credit_code")
    code = cc.clean(code_raw)
    if code:
        problem = cc.problem(code)
        if problem:
            raise LeadError(problem, "credit_code")
    choice = str(data.get("company_choice") or "").strip()
    new_data = {
        "name": name,
        "credit_code": code or None,
        "industry_id": data.get("industry_id"),
        "hq_region": data.get("hq_region"),
        "tier_ids": data.get("tier_ids") or [],
    }

    company: Company | None = None
    if choice.isdecimal():
        ident = parse_id(choice)
        company = live(db.session.get(Company, ident)) if ident else None
        if company is None:
            raise LeadError(_("所选企业不存在，请重新选择。"), "company_name")
    elif data.get("company_id"):
        picked = live(db.session.get(Company, int(data["company_id"])))
        # The name typed after picking wins over a stale pick.
        if picked is not None and (not name or normalize_company_name(name) == picked.normalized_name):
            company = picked
    if company is None and choice != "new":
        if not name and not code:
            raise LeadError(_("请填写企业名称。"), "company_name")
        matches = find_matches(name, code)
        by_code = [m for m in matches if m.reason == "credit_code"]
        if by_code:
            company = by_code[0].company
        elif current is not None and any(m.company.id == current.id for m in matches):
            company = current  # renamed spelling of the same record
        elif matches:
            raise DuplicateWarning("choose", matches=matches, followers=followers(m.company.id for m in matches))
    if company is None:
        if not name:
            raise LeadError(_("请填写企业名称。"), "company_name")
        if len(name) > 200:
            raise LeadError(_("企业名称不能超过 %(n)d 个字符。", n=200), "company_name")
        return CompanyChoice(None, new_data)

    set_code = None
    if code:
        if company.credit_code is None:
            set_code = code
        elif company.credit_code != code:
            raise LeadError(
                _("该企业已登记统一社会信用代码 %(code)s，与输入的不一致。", code=company.credit_code), "credit_code"
            )
    changed = current is None or company.id != current.id
    if changed and not confirm:
        others = other_followers(company.id, owner_department_id)
        if others:
            raise DuplicateWarning("confirm", company=company, followers={company.id: others})
    return CompanyChoice(company, new_data, set_code)


def _on_lead(exc: CompanyError) -> LeadError:
    """A company's error as the lead form's (its name field is company_name)."""
    return LeadError(str(exc), {"name": "company_name"}.get(exc.field or "", exc.field))


def _apply_company(choice: CompanyChoice, actor: User) -> Company:
    if choice.company is None:
        try:
            return create_company(choice.new_data, actor)
        except CompanyError as exc:
            raise _on_lead(exc) from None
    company = choice.company
    if choice.set_credit_code:
        try:
            company.credit_code = clean_credit_code(choice.set_credit_code, exclude_id=company.id)
        except CompanyError as exc:
            raise LeadError(str(exc), "credit_code") from None
        refresh_names(company)
        audit.record(
            "update", "company", company.id, changes={"credit_code": [None, company.credit_code]}, user_id=actor.id
        )
    return company


# --- create and edit --------------------------------------------------------------


def _status_time(on: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """(business date, stored timestamp) of a change; a back-dated change
    (demo data, a late entry) is stamped on its own day."""
    today = dt.date.today()
    if on is None or on >= today:
        return today, utcnow()
    return on, dt.datetime.combine(on, dt.time(2, 0))  # 10:00 in China


def record_status(
    lead: Lead,
    to: LeadStatus,
    actor: User | None,
    *,
    on: dt.date | None = None,
    reason_id: int | None = None,
    note: str | None = None,
) -> LeadStatusChange:
    day, stamp = _status_time(on)
    previous = lead.status if lead.id is not None and lead.status is not None else None
    lead.status = to
    lead.status_changed_at = stamp
    for column in REACHED.get(to, ()):
        if getattr(lead, column) is None:
            setattr(lead, column, day)
    change = LeadStatusChange(
        lead=lead,
        from_status=previous,
        to_status=to,
        changed_at=stamp,
        changed_by_id=actor.id if actor else None,
        reason_id=reason_id,
        note=note,
    )
    db.session.add(change)
    return change


def create_lead(
    data: dict[str, Any], actor: User, *, confirm_duplicate: bool = False, on: dt.date | None = None
) -> Lead:
    """A new lead in status `new`. Raises DuplicateWarning (nothing saved)
    when the company must be chosen or its 撞单 confirmed."""
    _require_editor(actor)
    values = _clean_fields(data, actor, None)
    choice = resolve_company(data, values["owner_department_id"], confirm=confirm_duplicate)
    company = _apply_company(choice, actor)
    lead = _new_lead(values, company, actor, on)
    db.session.flush()
    sync_lead_conflicts(lead, actor, new_lead=True)
    audit_lead_created(lead, actor)
    return lead


def _new_lead(values: dict[str, Any], company: Company, actor: User, on: dt.date | None) -> Lead:
    lead = Lead(company=company, created_by_id=actor.id, status=LeadStatus.NEW, has_conflict=False)
    for name, value in values.items():
        setattr(lead, name, value)
    db.session.add(lead)
    record_status(lead, LeadStatus.NEW, actor, on=on)
    return lead


def audit_lead_created(lead: Lead, actor: User) -> None:
    """The audit entry of a new, flushed lead."""
    audit.record(
        "create", "lead", lead.id, changes=audit.snapshot(lead, LEAD_FIELDS), summary=lead.title, user_id=actor.id
    )


def build_lead_with_new_company(data: dict[str, Any], actor: User) -> Lead:
    """`create_lead` for a lead whose company is new to the platform, checked
    the same way but not flushed, for a ledger import that inserts many at
    once: the company is added to the session with the lead's department as
    its holder (首报 — an unheld company has no conflict to open), and the
    caller flushes, then calls `audit_created` and `audit_lead_created`.
    `data` names the company (company_name, credit_code …) with
    company_choice 'new'."""
    _require_editor(actor)
    values = _clean_fields(data, actor, None)
    choice = resolve_company({**data, "company_choice": "new"}, values["owner_department_id"], confirm=True)
    try:
        company = build_company(choice.new_data, actor)
    except CompanyError as exc:
        raise _on_lead(exc) from None
    company.first_department_id = values["owner_department_id"]
    company.first_reported_on = values["received_on"]
    return _new_lead(values, company, actor, None)


def update_lead(
    lead: Lead, data: dict[str, Any], actor: User, *, version: Any, confirm_duplicate: bool = False
) -> Lead:
    """Save an edit made on version `version` (StaleEdit when someone
    saved in between; DuplicateWarning as for create)."""
    _require_editor(actor)
    check_version(lead, "lead", version)
    values = _clean_fields(data, actor, lead)
    choice = resolve_company(data, values["owner_department_id"], current=lead.company, confirm=confirm_duplicate)
    moved = values["owner_department_id"] != lead.owner_department_id
    if choice.company is not None and choice.company.id == lead.company_id and moved and not confirm_duplicate:
        # Same company, another department: warn as for a new lead.
        others = other_followers(lead.company_id, values["owner_department_id"])
        if others:
            raise DuplicateWarning("confirm", company=choice.company, followers={lead.company_id: others})
    company = _apply_company(choice, actor)
    values["company_id"] = company.id
    before = audit.snapshot(lead, LEAD_FIELDS)
    for name, value in values.items():
        setattr(lead, name, value)
    after = audit.snapshot(lead, LEAD_FIELDS)
    changes = audit.diff(before, after)
    if changes:
        db.session.flush()
        if "company_id" in changes or "owner_department_id" in changes:
            sync_lead_conflicts(lead, actor)
        audit.record("update", "lead", lead.id, changes=changes, summary=lead.title, user_id=actor.id)
    return lead


# --- the pipeline -----------------------------------------------------------------


def allowed_moves(lead: Lead) -> tuple[LeadStatus, ...]:
    return FORWARD.get(lead.status, ())


def advance(
    lead: Lead, to: LeadStatus, actor: User, *, note: str | None = None, on: dt.date | None = None
) -> LeadStatusChange:
    """A forward move: new → contacted → negotiating."""
    _require_editor(actor)
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
    _require_editor(actor)
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
    _require_editor(actor)
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
    _require_editor(actor)
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
