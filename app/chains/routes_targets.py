"""The target-company list (招商目标企业库) with its filters and .xlsx
export, a target's page (who has contacted the company, the leads opened on
it), its forms, and turning a target into a lead in one step (the 撞单
warning answered on the target's page, as on the lead form). A chain's
segments (招商图谱) export here too."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from app.chains import bp, exports, services
from app.chains.choices import chain_choices, segment_choices, tier_choices
from app.chains.forms import TargetForm, ToLeadForm
from app.chains.queries import TargetFilters, contacts, target_page
from app.db import db
from app.leads.refusals import DuplicateWarning
from app.lookups import department_choices
from app.models import Chain, Lead, TargetCompany, TargetPriority, TargetStatus
from app.pagination import page_args
from app.params import Params
from app.permissions import get_editable_or_403, get_visible_or_404, lead_filter, require
from app.permissions.chains import can_edit_chain, can_edit_target, can_lead_target
from app.views import attempt


@bp.route("/targets")
@login_required
def targets():
    params = Params(request.args)
    filters = TargetFilters.read(params)
    params.flash_errors()
    page = target_page(filters, current_user, *page_args())
    return render_template(
        "chains/targets.html",
        page=page,
        filters=filters,
        contacts=contacts(page.items),
        chains=chain_choices(),
        segments=segment_choices([filters.chain_id] if filters.chain_id else None),
        tiers=tier_choices(),
        priorities=TargetPriority.choices(),
        statuses=TargetStatus.choices(),
        departments=department_choices(blank=None),
    )


@bp.route("/targets/export.xlsx")
@login_required
def targets_export():
    params = Params(request.args)
    filters = TargetFilters.read(params)
    params.refuse_errors()
    return exports.targets_export(filters, current_user)


@bp.route("/<int:chain_id>/segments.xlsx")
@login_required
def segments_export(chain_id: int):
    return exports.segments_export(get_visible_or_404(Chain, chain_id))


def _target_choices(form: TargetForm, target: TargetCompany | None = None) -> None:
    form.chain_id.choices = chain_choices(blank=_("— 请选择 —"))
    form.segment_id.choices = segment_choices(blank=_("— 未指定 —"))
    form.tier_id.choices = tier_choices(blank=_("— 未指定 —"), include_id=target.tier_id if target else None)
    form.department_id.choices = department_choices(blank=_("— 未指定 —"))


@bp.route("/targets/new", methods=["GET", "POST"])
@login_required
def target_new():
    chain = get_visible_or_404(Chain, request.values.get("chain_id", type=int) or 0)
    require(can_edit_chain(current_user, chain))
    form = TargetForm()
    _target_choices(form)
    if request.method == "GET":
        form.chain_id.data = chain.id
        form.segment_id.data = request.args.get("segment_id", type=int)
    if form.validate_on_submit():
        data = {**form.target_data(), "chain_id": form.chain_id.data or chain.id}
        if data["chain_id"] != chain.id:  # another chain's editors only
            require(can_edit_chain(current_user, get_visible_or_404(Chain, data["chain_id"])))
        outcome = attempt(lambda: services.create_target(data, current_user), form)
        if outcome:
            flash(_("已添加目标企业「%(name)s」。", name=outcome.value.name), "success")
            return redirect(url_for("chains.target", target_id=outcome.value.id))
    status = 422 if request.method == "POST" else 200
    return render_template("chains/target_form.html", form=form, target=None, chain=chain), status


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@login_required
def target_edit(target_id: int):
    target = get_editable_or_403(TargetCompany, target_id)
    form = TargetForm(obj=target if request.method == "GET" else None)
    _target_choices(form, target)
    if request.method == "GET":
        form.priority.data, form.status.data = target.priority.value, target.status.value
    if form.validate_on_submit():
        data = form.target_data()
        if data["chain_id"] and data["chain_id"] != target.chain_id:  # moved: the other chain's editors only
            require(can_edit_chain(current_user, get_visible_or_404(Chain, data["chain_id"])))
        outcome = attempt(lambda: services.update_target(target, data, current_user, version=form.version.data), form)
        if outcome:
            flash(_("已保存。"), "success")
            return redirect(url_for("chains.target", target_id=target.id))
    status = 422 if request.method == "POST" else 200
    return render_template("chains/target_form.html", form=form, target=target, chain=target.chain), status


def _target_page(target: TargetCompany, status: int = 200, warning: DuplicateWarning | None = None):
    leads = db.session.scalars(
        sa.select(Lead)
        .options(orm.joinedload(Lead.owner_department))
        .where(Lead.target_id == target.id, Lead.archived_at.is_(None), lead_filter(current_user))
        .order_by(Lead.received_on.desc(), Lead.id.desc())
    ).all()
    return render_template(
        "chains/target.html",
        target=target,
        contact=contacts([target]).get(target.id),
        leads=leads,
        can_edit=can_edit_target(current_user, target),
        can_lead=can_lead_target(current_user, target),
        lead_form=ToLeadForm(),
        warning=warning,
    ), status


@bp.route("/targets/<int:target_id>")
@login_required
def target(target_id: int):
    return _target_page(get_visible_or_404(TargetCompany, target_id))


@bp.route("/targets/<int:target_id>/lead", methods=["POST"])
@login_required
def target_lead(target_id: int):
    """Target → lead: one POST; a 撞单 or look-alike warning comes back on
    the target's page to confirm (or to choose the company), nothing saved."""
    target = get_visible_or_404(TargetCompany, target_id)
    require(can_lead_target(current_user, target))
    form = ToLeadForm()
    if not form.validate_on_submit():
        return _target_page(target, 400)
    extra: dict = {}
    if form.company_choice.data:
        # 都不是 on the target's page is the person's confirmation of a new company.
        extra = {"company_choice": form.company_choice.data, "confirm_new_company": form.company_choice.data == "new"}
    confirm = form.confirm_duplicate.data == "1"
    outcome = attempt(
        lambda: services.target_to_lead(target, current_user, extra, confirm_duplicate=confirm),
        form,
        flash_refusal=True,
    )
    if outcome:
        flash(_("已转为线索，请跟进。"), "success")
        return redirect(url_for("leads.detail", lead_id=outcome.value.id))
    if isinstance(outcome.refusal, DuplicateWarning):
        return _target_page(target, 409, outcome.refusal)
    return _target_page(target, 422)
