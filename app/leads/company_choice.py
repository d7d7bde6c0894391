"""The company behind a lead: which record the typed name, credit code or
pick means (raising DuplicateWarning when the person must choose among
look-alikes or confirm a 撞单), and applying that choice (creating the
company, or filling in its credit code) in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app import audit
from app.companies import credit_code as cc
from app.companies.names import normalize_company_name
from app.companies.services import (
    CompanyError,
    clean_credit_code,
    create_company,
    find_matches,
    followers,
    has_identical,
    live,
    other_followers,
    refresh_names,
)
from app.db import db
from app.leads.refusals import DuplicateWarning, LeadError
from app.models import Company, User
from app.params import parse_id


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
    company_choice ('new' or an id from a previous warning; 'new' for a name
    identical to one on file also needs confirm_new_company), tier_ids and
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
    if company is None and choice == "new" and not data.get("confirm_new_company") and has_identical(name):
        matches = find_matches(name, code)
        if any(m.identical for m in matches):
            # 都不是 for the very name on file: asked a second time.
            raise DuplicateWarning(
                "choose", matches=matches, followers=followers(m.company.id for m in matches), same_name=True
            )
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


def company_error_on_lead(exc: CompanyError) -> LeadError:
    """A company's error as the lead form's (its name field is company_name)."""
    return LeadError(str(exc), {"name": "company_name"}.get(exc.field or "", exc.field))


def apply_company(choice: CompanyChoice, actor: User) -> Company:
    if choice.company is None:
        try:
            return create_company(choice.new_data, actor)
        except CompanyError as exc:
            raise company_error_on_lead(exc) from None
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
