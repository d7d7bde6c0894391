"""Lead pages: the list (filters, search, sort, export), a lead's page with
its visit timeline and status history, the create/edit form with the 撞单
warning, status moves, shelving and conversion. Views parse, load with the
permission check, call one service, then commit and redirect."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.activity_links import activity_choices, offered_activity
from app.concurrency import check_version
from app.db import db
from app.leads import bp, choices, clocks, exports, pipeline, queries, services
from app.leads.detail import detail_context
from app.leads.forms import ConvertForm, LeadForm, ShelveForm, StatusForm, UnshelveForm
from app.leads.refusals import DuplicateWarning, LeadError
from app.models import Lead, LeadStatus, RefKind, Role
from app.pagination import page_args
from app.permissions import (
    can_create_lead,
    get_editable_or_403,
    get_visible_or_404,
    role_required,
)
from app.views import attempt

EDITORS = (Role.ADMIN, Role.STAFF)


# --- list and export ----------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    filters, errors = queries.parse_filters(request.args, current_user)
    for message in errors:
        flash(message, "warning")
    if request.headers.get("HX-Target") == "f-owner":
        # The department filter changed: only the owner select is redrawn.
        owners, owners_narrowed = choices.filter_owner_choices(current_user, filters.department_id)
        return render_template(
            "leads/_owner_filter.html", owners=owners, owners_narrowed=owners_narrowed, filters=filters
        )
    page = queries.lead_page(current_user, filters, clock.today(), *page_args())
    return render_template(
        "leads/list.html",
        page=page,
        filters=filters,
        status_value=filters.status_choice,
        **choices.list_filter_options(current_user, filters.department_id, filters.owner_id),
        statuses=list(LeadStatus),
        sorts=queries.SORTS,
        clock_label=clocks.label,
        may_create=can_create_lead(current_user),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    filters, errors = queries.parse_filters(request.args, current_user)
    if errors:
        abort(400, "；".join(errors) + _("请修正筛选条件后再导出。"))
    return exports.lead_export(current_user, filters, clock.today())


bp.add_app_template_global(clocks.days_in_status, "lead_days_in_status")
bp.add_app_template_global(clocks.deadlines, "lead_deadlines")
bp.add_app_template_global(clocks.next_deadline, "lead_next_deadline")


# --- create and edit --------------------------------------------------------------


def _setup_lead_form(form: LeadForm, lead: Lead | None, activity_id: int | None = None) -> None:
    refs = choices.ref_lists(
        RefKind.SOURCE,
        RefKind.INDUSTRY,
        RefKind.TIER,
        include={i for i in ((lead.source_id, lead.industry_id) if lead else ()) if i},
    )
    form.source_id.choices = choices.with_blank(refs[RefKind.SOURCE])
    form.industry_id.choices = choices.with_blank(refs[RefKind.INDUSTRY])
    form.tier_ids.choices = refs[RefKind.TIER]
    form.owner_department_id.choices = choices.with_blank(
        choices.owner_department_choices(current_user, lead.owner_department_id if lead else None), _("请选择")
    )
    form.owner_user_id.choices = choices.with_blank(
        choices.owner_user_choices(current_user, lead.owner_user_id if lead else None)
    )
    form.activity_id.choices = activity_choices(current_user, lead.activity_id if lead else activity_id)


def _lead_data(form: LeadForm) -> dict[str, Any]:
    data = dict(form.data)
    data["company_id"] = form.company_id_value()
    data["tier_ids"] = form.tier_ids.data or []
    return data


def _render_form(form: LeadForm, lead: Lead | None, warning: DuplicateWarning | None = None, status: int = 200):
    return render_template("leads/form.html", form=form, lead=lead, warning=warning), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    form = LeadForm()
    # Opened from an activity's page: its activity offered and chosen.
    offered = offered_activity(current_user, request.args.get("activity_id"))
    _setup_lead_form(form, None, offered)
    if request.method == "GET":
        form.activity_id.data = offered
        allowed = {value for value, _label in form.owner_department_id.choices}
        if current_user.department_id in allowed:
            form.owner_department_id.data = current_user.department_id
            if current_user.role is Role.STAFF:
                form.owner_user_id.data = current_user.id
        form.company_name.data = request.args.get("company_name", "")[:200]
        company_id = request.args.get("company_id", "")
        form.company_id.data = company_id if company_id.isdigit() else ""
    if form.validate_on_submit():
        data = _lead_data(form)
        outcome = attempt(
            lambda: services.create_lead(data, current_user, confirm_duplicate=form.confirm_duplicate.data), form
        )
        if isinstance(outcome.refusal, DuplicateWarning):
            return _render_form(form, None, outcome.refusal)
        if outcome:
            lead = outcome.value
            if lead.has_conflict:
                flash(_("线索已保存。该企业已有其他部门跟进，已标记撞单并提交管理员裁定。"), "warning")
            else:
                flash(_("线索已保存。"), "success")
            return redirect(url_for("leads.detail", lead_id=lead.id))
    return _render_form(form, None)


@bp.route("/<int:lead_id>/edit", methods=["GET", "POST"])
@login_required
def edit(lead_id: int):
    lead = get_editable_or_403(Lead, lead_id)
    form = LeadForm(obj=lead if request.method == "GET" else None)
    _setup_lead_form(form, lead)
    if request.method == "GET":
        form.company_id.data = str(lead.company_id)
        form.company_name.data = lead.company.name
        form.credit_code.data = lead.company.credit_code or ""
        form.version.data = str(lead.version)
    if form.validate_on_submit():
        data = _lead_data(form)
        outcome = attempt(
            lambda: services.update_lead(
                lead, data, current_user, version=form.version.data, confirm_duplicate=form.confirm_duplicate.data
            ),
            form,
        )
        if isinstance(outcome.refusal, DuplicateWarning):
            return _render_form(form, lead, outcome.refusal)
        if outcome.stale:
            current = db.session.get(Lead, lead_id)
            form.version.data = str(current.version)  # input kept; saving it again is a deliberate choice
            return _render_form(form, current, status=409)
        if outcome:
            flash(_("线索已保存。"), "success")
            return redirect(url_for("leads.detail", lead_id=lead.id))
    return _render_form(form, lead)


# --- the lead's page --------------------------------------------------------------


@bp.route("/<int:lead_id>")
@login_required
def detail(lead_id: int):
    lead = get_visible_or_404(Lead, lead_id)
    return render_template("leads/detail.html", **detail_context(lead))


# --- status moves -----------------------------------------------------------------


def _status_action(lead_id: int, action) -> Any:
    lead = get_editable_or_403(Lead, lead_id)
    outcome = attempt(lambda: action(lead))
    if outcome:
        flash(outcome.value, "success")
    return redirect(url_for("leads.detail", lead_id=lead_id))


@bp.route("/<int:lead_id>/status", methods=["POST"])
@login_required
def status(lead_id: int):
    form = StatusForm()

    def action(lead: Lead) -> str:
        if not form.validate():
            raise LeadError(_("提交的内容有误，请重试。"))
        check_version(lead, "lead", form.version.data)
        try:
            to = LeadStatus(form.to.data)
        except ValueError:
            raise LeadError(_("线索状态无效。")) from None
        pipeline.advance(lead, to, current_user, note=form.note.data)
        return _("线索已改为「%(s)s」。", s=to.label)

    return _status_action(lead_id, action)


@bp.route("/<int:lead_id>/shelve", methods=["POST"])
@login_required
def shelve(lead_id: int):
    form = ShelveForm()
    form.reason_id.choices = choices.with_blank(choices.ref_lists(RefKind.REASON)[RefKind.REASON])

    def action(lead: Lead) -> str:
        if not form.validate():
            errors = [e for errs in form.errors.values() for e in errs]
            raise LeadError("；".join(map(str, errors)))
        check_version(lead, "lead", form.version.data)
        pipeline.shelve(lead, current_user, reason_id=form.reason_id.data, note=form.note.data)
        return _("线索已搁置。")

    return _status_action(lead_id, action)


@bp.route("/<int:lead_id>/unshelve", methods=["POST"])
@login_required
def unshelve(lead_id: int):
    form = UnshelveForm()

    def action(lead: Lead) -> str:
        if not form.validate():
            raise LeadError(_("提交的内容有误，请重试。"))
        check_version(lead, "lead", form.version.data)
        change = pipeline.unshelve(lead, current_user, note=form.note.data)
        return _("线索已恢复为「%(s)s」。", s=change.to_status.label)

    return _status_action(lead_id, action)


@bp.route("/<int:lead_id>/archive", methods=["POST"])
@login_required
def archive(lead_id: int):
    lead = get_editable_or_403(Lead, lead_id)
    reason = (request.form.get("reason") or "").strip()[:200] or None
    if not attempt(lambda: pipeline.archive_lead(lead, current_user, reason)):
        return redirect(url_for("leads.detail", lead_id=lead_id))
    flash(_("线索已归档，管理员可在“系统管理 → 归档记录”中恢复。"), "success")
    return redirect(url_for("leads.index"))


@bp.route("/<int:lead_id>/convert", methods=["GET", "POST"])
@login_required
def convert(lead_id: int):
    lead = get_editable_or_403(Lead, lead_id)
    if lead.status not in services.OPEN_STATUSES:
        flash(_("线索当前为「%(s)s」，不能转为项目。", s=lead.status.label), "warning")
        return redirect(url_for("leads.detail", lead_id=lead.id))
    form = ConvertForm()
    choices.setup_convert_form(form, lead, current_user)
    if form.validate_on_submit():
        data = form.project_data()
        outcome = attempt(lambda: pipeline.convert_lead(lead, current_user, data, version=form.version.data), form)
        if outcome.stale:
            form.version.data = str(db.session.get(Lead, lead_id).version)
        if outcome:
            flash(_("已转为项目「%(name)s」，进入招引库。", name=outcome.value.name), "success")
            return redirect(url_for("projects.detail", project_id=outcome.value.id))
    return render_template("leads/convert.html", form=form, lead=lead)
