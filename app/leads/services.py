"""Lead rules: creating and editing a lead (with the company resolved and
the 撞单 warning raised before anything is saved), and recording a status
change (the moves themselves are in pipeline.py).

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

from app import audit, clock
from app.activity_links import linkable_activity
from app.companies.conflicts import sync_lead_conflicts
from app.companies.services import (
    CompanyError,
    draft_company,
    other_followers,
)
from app.concurrency import check_version
from app.db import db, utcnow
from app.leads.company_choice import apply_company, company_error_on_lead, resolve_company
from app.leads.refusals import DuplicateWarning, LeadError
from app.models import (
    Chain,
    Company,
    Department,
    Lead,
    LeadStatus,
    LeadStatusChange,
    Project,
    RefItem,
    RefKind,
    Role,
    TargetCompany,
    User,
)
from app.permissions import department_ids_in_scope

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
    "activity_id",
    "chain_id",
    "target_id",
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


def require_editor(actor: User) -> None:
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

    received = data.get("received_on") or clock.today()
    if received > clock.today():
        raise LeadError(_("收到日期不能晚于今天。"), "received_on")
    if received < dt.date(2000, 1, 1):
        raise LeadError(_("收到日期有误，请核对。"), "received_on")
    values["received_on"] = received
    if "activity_id" in data or lead is None:
        values["activity_id"] = linkable_activity(
            data.get("activity_id"), actor, received_on=received, current=lead.activity_id if lead else None
        )
    if "chain_id" in data or "target_id" in data or lead is None:
        values["chain_id"], values["target_id"] = _chain_link(data, lead)
    return values


def _chain_link(data: dict[str, Any], lead: Lead | None) -> tuple[int | None, int | None]:
    """(chain_id, target_id) of a lead from 产业链招商: a live chain, and a
    live target company on it (its chain when only the target is named). An
    unchanged link is kept though archived since."""
    chain_id, target_id = data.get("chain_id"), data.get("target_id")
    current = (lead.chain_id, lead.target_id) if lead else (None, None)
    target = db.session.get(TargetCompany, target_id) if target_id else None
    if target_id and (target is None or (target.archived_at is not None and target_id != current[1])):
        raise LeadError(_("所选目标企业不存在。"), "target_id")
    if target is not None:
        if chain_id and chain_id != target.chain_id:
            raise LeadError(_("目标企业不在所选产业链上。"), "chain_id")
        chain_id = target.chain_id
    chain = db.session.get(Chain, chain_id) if chain_id else None
    if chain_id and (chain is None or (chain.archived_at is not None and chain_id != current[0])):
        raise LeadError(_("所选产业链不存在。"), "chain_id")
    return (chain.id if chain else None), (target.id if target else None)


# --- create and edit --------------------------------------------------------------


def _status_time(on: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """(business date, stored timestamp) of a change; a back-dated change
    (demo data, a late entry) is stamped on its own day."""
    today = clock.today()
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
    require_editor(actor)
    values = _clean_fields(data, actor, None)
    choice = resolve_company(data, values["owner_department_id"], confirm=confirm_duplicate)
    company = apply_company(choice, actor)
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
    audit.record_row(created_audit_row(lead, actor))


def created_audit_row(lead: Lead, actor: User) -> dict[str, Any]:
    """`audit_lead_created`'s row, for `audit.record_many` (a ledger import)."""
    return audit.row(
        "create", "lead", lead.id, changes=audit.snapshot(lead, LEAD_FIELDS), summary=lead.title, user_id=actor.id
    )


@dataclass
class LeadDraft:
    """A new lead's checked column values (status new), not yet written, for
    a ledger import that inserts thousands at once (`insert_lead_drafts`);
    `company` is its company on file, or the draft of a new one. Reads like
    a lead where 首报 and 撞单 need one (`sync_new_leads_conflicts`)."""

    values: dict[str, Any]
    company: Any  # Company | CompanyDraft
    archived_at: None = None

    @property
    def id(self) -> int:
        return self.values["id"]

    @property
    def company_id(self) -> int:
        return self.values["company_id"]

    @property
    def owner_department_id(self) -> int:
        return self.values["owner_department_id"]

    @property
    def received_on(self) -> dt.date:
        return self.values["received_on"]

    @property
    def title(self) -> str:
        return self.values["title"]


def _opening(values: dict[str, Any], actor: User) -> dict[str, Any]:
    """The columns of a new lead of `values` (`_clean_fields`), as `_new_lead` sets them."""
    _day, stamp = _status_time(None)
    return {
        **values,
        "created_by_id": actor.id,
        "status": LeadStatus.NEW,
        "status_changed_at": stamp,
        "has_conflict": False,
    }


def draft_lead_with_new_company(data: dict[str, Any], actor: User) -> LeadDraft:
    """`create_lead` for a lead whose company is new to the platform, checked
    the same way, as drafts of both (`draft_company`): the company held by
    the lead's department (首报 — an unheld company has no conflict to
    open). The caller gives them ids and inserts them (`insert_drafts`, then
    `insert_lead_drafts`) and audits both (`draft_audit_row`s). `data` names
    the company (company_name, credit_code …)."""
    require_editor(actor)
    values = _clean_fields(data, actor, None)
    choice = resolve_company({**data, "company_choice": "new"}, values["owner_department_id"], confirm=True)
    try:
        company = draft_company(choice.new_data, actor)
    except CompanyError as exc:
        raise company_error_on_lead(exc) from None
    company.values["first_department_id"] = values["owner_department_id"]
    company.values["first_reported_on"] = values["received_on"]
    return LeadDraft(_opening(values, actor), company)


def draft_lead_on_company(data: dict[str, Any], actor: User) -> LeadDraft:
    """`create_lead` for a ledger import's row on a company already chosen
    (`company_choice` is its id, 撞单 confirmed by importing), checked the
    same way, as a draft: the caller inserts a batch (`insert_lead_drafts`),
    then calls `companies.conflicts.sync_new_leads_conflicts` and audits
    the leads (`draft_audit_row`)."""
    require_editor(actor)
    values = _clean_fields(data, actor, None)
    choice = resolve_company(data, values["owner_department_id"], confirm=True)
    company = apply_company(choice, actor)
    return LeadDraft({**_opening(values, actor), "company_id": company.id}, company)


def insert_lead_drafts(drafts: list[LeadDraft], actor: User) -> None:
    """Write drafts whose values carry their reserved `id` and `company_id`,
    with the opening status change (→ new) of each — the rows `create_lead`
    writes — in one executemany per table, in the caller's transaction and
    without an ORM object per row. Bypassing the ORM, they are not noted
    for the report facts: the caller refreshes them (`app.facts.refresh`)."""
    if not drafts:
        return
    # The timestamps and the version: the columns' defaults, as for the ORM.
    db.session.execute(sa.insert(Lead.__table__), [d.values for d in drafts])
    db.session.execute(
        sa.insert(LeadStatusChange.__table__),
        [
            {
                "lead_id": d.id,
                "from_status": None,
                "to_status": LeadStatus.NEW,
                "changed_at": d.values["status_changed_at"],
                "changed_by_id": actor.id,
                "reason_id": None,
                "note": None,
            }
            for d in drafts
        ],
    )


def draft_audit_row(draft: LeadDraft, actor: User) -> dict[str, Any]:
    """`created_audit_row` of a lead written by `insert_lead_drafts`."""
    values = draft.values
    changes = {name: audit.plain(values[name]) for name in LEAD_FIELDS}
    return audit.row("create", "lead", draft.id, changes=changes, summary=draft.title, user_id=actor.id)


def update_lead(
    lead: Lead, data: dict[str, Any], actor: User, *, version: Any, confirm_duplicate: bool = False
) -> Lead:
    """Save an edit made on version `version` (StaleEdit when someone
    saved in between; DuplicateWarning as for create)."""
    require_editor(actor)
    check_version(lead, "lead", version)
    values = _clean_fields(data, actor, lead)
    choice = resolve_company(data, values["owner_department_id"], current=lead.company, confirm=confirm_duplicate)
    moved = values["owner_department_id"] != lead.owner_department_id
    if choice.company is not None and choice.company.id == lead.company_id and moved and not confirm_duplicate:
        # Same company, another department: warn as for a new lead.
        others = other_followers(lead.company_id, values["owner_department_id"])
        if others:
            raise DuplicateWarning("confirm", company=choice.company, followers={lead.company_id: others})
    company = apply_company(choice, actor)
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
        if "activity_id" in changes:
            credit_projects(lead)
        audit.record("update", "lead", lead.id, changes=changes, summary=lead.title, user_id=actor.id)
    return lead


def credit_projects(lead: Lead) -> None:
    """Keep the projects converted from `lead` credited to its activity (a
    signing counts for the activity that produced its lead); a plain UPDATE,
    as a maintained figure (no version bump for a colleague's open form)."""
    db.session.execute(
        sa.update(Project).where(Project.lead_id == lead.id).values(activity_id=lead.activity_id),
        execution_options={"synchronize_session": "fetch"},
    )


def edit_data(lead: Lead) -> dict[str, Any]:
    """The lead as its edit form shows it (what an API patch or a ledger
    row changes part of)."""
    return {
        "company_id": lead.company_id,
        "company_name": lead.company.name,
        "credit_code": lead.company.credit_code,
        "title": lead.title,
        "source_id": lead.source_id,
        "industry_id": lead.industry_id,
        "intended_investment": lead.intended_investment,
        "contact_name": lead.contact_name,
        "contact_phone": lead.contact_phone,
        "intended_location": lead.intended_location,
        "description": lead.description,
        "owner_department_id": lead.owner_department_id,
        "owner_user_id": lead.owner_user_id,
        "received_on": lead.received_on,
        "activity_id": lead.activity_id,
        "chain_id": lead.chain_id,
        "target_id": lead.target_id,
    }
