"""督查台账 views: the ledger with its filters and .xlsx export, recording an
inspection (the supervision office), its page and one action per step —
整改情况 (the responsible department), 销号 and 退回 (the supervision office)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from app import clock
from app.db import db
from app.inspections import bp, exports, services
from app.inspections.forms import AnswerForm, InspectionForm, ReturnForm, StepForm
from app.inspections.home_panels import inspections_panel
from app.inspections.queries import LEVELS, STATUSES, InspectionFilters, ledger_page
from app.inspections.rules import days_overdue, escalation_of
from app.lookups import department_choices, ref_choices
from app.models import Inspection, InspectionEvent, InspectionKind, InspectionStatus, RefKind
from app.pagination import page_args
from app.params import Params
from app.permissions import can_see_history, get_visible_or_404, require
from app.permissions.inspections import (
    can_answer_inspection,
    can_close_inspection,
    can_record_inspection,
)
from app.problems.company_problems import find_company
from app.views import attempt


@bp.route("/")
@login_required
def index():
    today = clock.today()
    params = Params(request.args)
    filters = InspectionFilters.read(params)
    params.flash_errors()
    page, counts = ledger_page(filters, current_user, today, *page_args())
    return render_template(
        "inspections/index.html",
        page=page,
        counts=counts,
        filters=filters,
        statuses=STATUSES,
        levels=[(key, level.label) for key, level in LEVELS.items()],
        kinds=InspectionKind.choices(),
        findings=ref_choices(RefKind.INSPECTION_FINDING, blank=None),
        departments=department_choices(blank=None),
        can_record=can_record_inspection(current_user),
        as_of=today,
    )


@bp.route("/panel")
@login_required
def home_panel():
    """The home page's 督查 panel, loaded by htmx after the page (empty when none)."""
    panel = inspections_panel(current_user)
    return render_template(panel.template, ctx=panel.context) if panel else ""


@bp.route("/export.xlsx")
@login_required
def export():
    """The ledger's filters → 督查台账-YYYY-MM-DD.xlsx; a bad filter → 400 naming it."""
    params = Params(request.args)
    filters = InspectionFilters.read(params)
    params.refuse_errors()
    return exports.ledger_export(filters, current_user)


def _form_choices(form: InspectionForm) -> None:
    form.department_id.choices = department_choices(blank=_("— 请选择 —"))
    form.responsible_department_id.choices = department_choices(blank=_("— 同被督查单位 —"))
    form.finding_ids.choices = ref_choices(RefKind.INSPECTION_FINDING, blank=None)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(can_record_inspection(current_user))
    form = InspectionForm()
    _form_choices(form)
    if request.method == "GET":
        form.inspected_on.data = clock.today()
    if form.validate_on_submit():
        created: list[Inspection] = []

        def record() -> None:
            company = find_company(form.company_name.data) if (form.company_name.data or "").strip() else None
            data = {**form.data, "company_id": company.id if company else None}
            created.append(services.record_inspection(data, current_user))

        if attempt(record, form):
            flash(_("督查已记录，整改要求已交责任部门。"), "success")
            return redirect(url_for("inspections.detail", inspection_id=created[0].id))
    status = 400 if request.method == "POST" else 200
    return render_template("inspections/form.html", form=form), status


def _page(inspection_id: int, status: int = 200, **forms):
    today = clock.today()
    inspection = db.session.scalars(
        sa.select(Inspection)
        .where(Inspection.id == inspection_id)
        .options(
            orm.joinedload(Inspection.department),
            orm.joinedload(Inspection.responsible_department),
            orm.joinedload(Inspection.company),
            orm.joinedload(Inspection.created_by),
            orm.selectinload(Inspection.findings),
            orm.selectinload(Inspection.events).joinedload(InspectionEvent.actor),
        )
    ).one()
    step_forms = {
        "answer_form": forms.get("answer_form") or AnswerForm(formdata=None),
        "close_form": forms.get("close_form") or StepForm(formdata=None),
        "return_form": forms.get("return_form") or ReturnForm(formdata=None),
    }
    for form in step_forms.values():
        if not form.version.data:
            form.version.data = inspection.version
    user = current_user
    can = {
        "answer": can_answer_inspection(user, inspection) and inspection.status is InspectionStatus.RECTIFYING,
        "close": can_close_inspection(user, inspection) and inspection.status is InspectionStatus.ANSWERED,
        "see_history": can_see_history(user),
    }
    html = render_template(
        "inspections/detail.html",
        inspection=inspection,
        level=escalation_of(inspection, today),
        overdue_days=days_overdue(inspection, today),
        can=can,
        Status=InspectionStatus,
        **step_forms,
    )
    return html, status


@bp.route("/<int:inspection_id>")
@login_required
def detail(inspection_id: int):
    get_visible_or_404(Inspection, inspection_id)
    return _page(inspection_id)


def _step(inspection_id: int, allowed, form_cls, form_name: str, action, success: str):
    inspection = get_visible_or_404(Inspection, inspection_id)
    require(allowed(current_user, inspection))
    form = form_cls()
    if form.validate():
        outcome = attempt(lambda: action(inspection, form), form)
        if outcome:
            flash(success, "success")
            return redirect(url_for("inspections.detail", inspection_id=inspection_id))
        if outcome.stale:
            form.version.data = db.session.get(Inspection, inspection_id).version
    return _page(inspection_id, 400, **{form_name: form})


@bp.route("/<int:inspection_id>/answer", methods=["POST"])
@login_required
def answer(inspection_id: int):
    return _step(
        inspection_id,
        can_answer_inspection,
        AnswerForm,
        "answer_form",
        lambda i, f: services.answer_inspection(i, f.answer.data, current_user, version=f.version.data),
        _("整改情况已反馈，等待督查销号。"),
    )


@bp.route("/<int:inspection_id>/close", methods=["POST"])
@login_required
def close(inspection_id: int):
    return _step(
        inspection_id,
        can_close_inspection,
        StepForm,
        "close_form",
        lambda i, f: services.close_inspection(i, current_user, note=f.note.data, version=f.version.data),
        _("督查事项已销号。"),
    )


@bp.route("/<int:inspection_id>/return", methods=["POST"])
@login_required
def send_back(inspection_id: int):
    return _step(
        inspection_id,
        can_close_inspection,
        ReturnForm,
        "return_form",
        lambda i, f: services.return_inspection(i, f.reason.data, current_user, version=f.version.data),
        _("已退回责任部门继续整改。"),
    )
