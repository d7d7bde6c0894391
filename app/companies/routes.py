"""Company pages: the list and search, a company's page (everything that
involves it, filtered by what the viewer may see), create/edit with the
duplicate check, the live look-up and check fragments the lead form uses,
and the admin pages for conflicts (撞单裁定) and merging."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.companies import bp, merge, queries, services
from app.companies import conflicts as conflict_rules
from app.companies import credit_code as cc
from app.companies.forms import CompanyForm, MergeForm, RuleForm
from app.models import (
    Company,
    CompanyConflict,
    ConflictStatus,
    RefKind,
    Role,
)
from app.pagination import page_args, paginate
from app.params import Params, parse_id
from app.permissions import (
    admin_required,
    can_create_company,
    can_create_lead,
    can_edit_company,
    can_merge_companies,
    get_editable_or_403,
    get_visible_or_404,
    role_required,
)
from app.permissions.problems import can_raise_company_problem
from app.views import attempt


def _ref_choices(*kinds: RefKind, include: set[int] | None = None) -> dict[RefKind, list]:
    from app.leads.choices import ref_lists

    return ref_lists(*kinds, include=include or set())


# --- list and page ----------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    params = Params(request.args)
    filters = queries.parse_filters(params)
    params.flash_errors()
    page = paginate(queries.list_statement(filters, current_user), *page_args(), scalars=False)
    refs = _ref_choices(RefKind.TIER, RefKind.INDUSTRY)
    return render_template(
        "companies/list.html",
        can_rule=can_merge_companies(current_user),
        page=page,
        q=filters.q,
        tiers=refs[RefKind.TIER],
        industries=refs[RefKind.INDUSTRY],
        may_create=can_create_company(current_user),
    )


@bp.route("/<int:company_id>")
@login_required
def detail(company_id: int):
    company = get_visible_or_404(Company, company_id, options=queries.PAGE_OPTIONS)
    if company.merged_into_id is not None:
        survivor = services.live(company)
        flash(_("「%(a)s」已合并入「%(b)s」。", a=company.name, b=survivor.name), "info")
        return redirect(url_for("companies.detail", company_id=survivor.id))
    return render_template(
        "companies/detail.html",
        company=company,
        **queries.company_page(company, current_user),
        can_merge=can_merge_companies(current_user),
        may_edit=can_edit_company(current_user, company),
        may_add_lead=can_create_lead(current_user),
        may_raise_problem=can_raise_company_problem(current_user),
    )


# --- create and edit --------------------------------------------------------------


def _setup_form(form: CompanyForm, company: Company | None) -> None:
    include = {company.industry_id} if company and company.industry_id else set()
    refs = _ref_choices(RefKind.INDUSTRY, RefKind.TIER, include=include)
    form.industry_id.choices = [("", "—"), *refs[RefKind.INDUSTRY]]
    form.tier_ids.choices = refs[RefKind.TIER]


def _company_data(form: CompanyForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "credit_code": form.credit_code.data,
        "hq_region": form.hq_region.data,
        "industry_id": form.industry_id.data,
        "notes": form.notes.data,
        "tier_ids": form.tier_ids.data or [],
    }


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.STAFF)
def new():
    form = CompanyForm()
    _setup_form(form, None)
    matches: list[services.Match] = []
    followers: dict[int, list] = {}
    if request.method == "GET":
        form.name.data = (request.args.get("name") or "")[:200]
    if form.validate_on_submit():
        matches = services.find_matches(form.name.data, form.credit_code.data)
        by_code = [m for m in matches if m.reason == "credit_code"]
        if by_code:
            form.credit_code.errors = [_("该统一社会信用代码已登记在企业库中的另一家企业。")]
            followers = services.followers(m.company.id for m in matches)
        elif matches and not form.confirm_duplicate.data:
            followers = services.followers(m.company.id for m in matches)
        else:
            outcome = attempt(lambda: services.create_company(_company_data(form), current_user), form)
            if outcome:
                company = outcome.value
                flash(_("企业已保存。"), "success")
                return redirect(url_for("companies.detail", company_id=company.id))
    return render_template("companies/form.html", form=form, company=None, matches=matches, followers=followers)


@bp.route("/<int:company_id>/edit", methods=["GET", "POST"])
@login_required
def edit(company_id: int):
    company = get_editable_or_403(Company, company_id, options=queries.PAGE_OPTIONS)
    form = CompanyForm(obj=company if request.method == "GET" else None)
    _setup_form(form, company)
    matches: list[services.Match] = []
    followers: dict[int, list] = {}
    if request.method == "GET":
        form.tier_ids.data = [t.id for t in company.tiers]
        form.credit_code.data = company.credit_code or ""
    if form.validate_on_submit():
        renamed = services.normalize_company_name(form.name.data) != company.normalized_name
        if renamed and not form.confirm_duplicate.data:
            matches = [
                m for m in services.find_matches(form.name.data, exclude_id=company.id) if m.reason != "credit_code"
            ]
            followers = services.followers(m.company.id for m in matches)
        if not matches:
            data, version = _company_data(form), form.version.data
            outcome = attempt(lambda: services.update_company(company, data, current_user, version=version), form)
            if outcome:
                flash(_("企业已保存。"), "success")
                return redirect(url_for("companies.detail", company_id=company.id))
    return render_template("companies/form.html", form=form, company=company, matches=matches, followers=followers)


# --- fragments for the lead and company forms (htmx) ---------------------------------


@bp.route("/check")
@role_required(Role.ADMIN, Role.STAFF)
def check():
    """Before saving: is the credit code valid, is the company already on
    file, and which other departments follow it (department and date only)."""
    name = (request.args.get("company_name") or request.args.get("name") or "")[:200]
    raw_code = (request.args.get("credit_code") or "")[:30]
    code = cc.clean(raw_code)
    code_problem = cc.problem(code) if code else None
    department_id = parse_id(request.args.get("owner_department_id")) or current_user.department_id
    exclude_id = parse_id(request.args.get("exclude_id"))
    matches = services.find_matches(name, code, exclude_id=exclude_id)
    # Search by pinyin initials or part of the name too, to pick a company on file.
    suggestions = queries.suggestions(name, {m.company.id for m in matches} | ({exclude_id} if exclude_id else set()))
    followers = services.followers([*(m.company.id for m in matches), *(c.id for c in suggestions)])
    others = {cid: [f for f in items if f.department_id != department_id] for cid, items in followers.items()}
    return render_template(
        "companies/_check.html",
        matches=matches,
        suggestions=suggestions,
        followers=others,
        code=code,
        code_problem=code_problem,
        pick=request.args.get("mode") != "company",
    )


# --- admin: conflicts ---------------------------------------------------------------


@bp.route("/conflicts")
@admin_required
def conflicts():
    params = Params(request.args)
    status = params.choice("status", _("状态"), queries.CONFLICT_STATUSES, default="open")
    params.flash_errors()
    page = paginate(queries.conflicts_statement(status), *page_args())
    return render_template(
        "companies/conflicts.html",
        page=page,
        leads=queries.claimants(page.items),
        status=status,
        statuses=list(ConflictStatus),
    )


@bp.route("/conflicts/<int:conflict_id>", methods=["GET", "POST"])
@admin_required
def conflict_rule(conflict_id: int):
    conflict = get_visible_or_404(CompanyConflict, conflict_id)
    holder_id, departments, users = queries.conflict_parties(conflict)
    form = RuleForm()
    form.set_parties(departments, users)
    if request.method == "GET":
        form.department_id.data = holder_id
        form.new_company_name.data = conflict.company.name
    if conflict.status is ConflictStatus.OPEN and form.validate_on_submit():
        outcome = attempt(
            lambda: conflict_rules.rule_conflict(conflict, form.ruling.data, current_user, form.ruling_data()), form
        )
        if outcome:
            flash(_("已裁定（%(n)d 条撞单）。", n=len(outcome.value)), "success")
            return redirect(url_for("companies.conflicts"))
    return render_template(
        "companies/conflict_rule.html", conflict=conflict, form=form, **queries.conflict_page(conflict, holder_id)
    )


# --- admin: merge -------------------------------------------------------------------


@bp.route("/<int:company_id>/merge", methods=["GET", "POST"])
@admin_required
def merge_into(company_id: int):
    """Merge another record into this one (this one survives)."""
    survivor = get_visible_or_404(Company, company_id, options=queries.PAGE_OPTIONS)
    if survivor.merged_into_id is not None:
        abort(404)
    form = MergeForm()
    other_id = parse_id(request.values.get("other_id"))
    other = queries.mergeable(survivor, other_id)
    if other_id is not None and other is None:
        if request.method == "GET":
            flash(_("所选企业不存在、已合并或就是本企业。"), "warning")
        else:
            form.other_id.errors = [_("所选企业不存在、已合并或就是本企业。")]
    if request.method == "POST" and form.validate() and other is not None:
        outcome = attempt(lambda: merge.merge_companies(survivor, other, current_user, form.note.data), form)
        if outcome:
            flash(merge.merged_message(outcome.value), "success")
            return redirect(url_for("companies.detail", company_id=survivor.id))
    if other is not None and request.method == "GET":
        form.other_id.data = other.id
    return render_template("companies/merge.html", form=form, **merge.merge_page(survivor, other))
