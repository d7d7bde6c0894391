"""Chain pages: the list, a chain's map (the chart and its segment table,
printable on A4), one segment (a full page, or the map's side panel when
htmx asks), and the forms — a chain (admin creates; its editors edit),
segments, and placing local companies and projects on a segment."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.chains import bp, services
from app.chains.choices import chain_form_choices, segment_parent_choices
from app.chains.forms import ChainForm, PlaceCompanyForm, PlaceProjectForm, SegmentForm
from app.chains.map import chain_list, chain_map, segment_view
from app.chains.services import ChainError
from app.db import db
from app.models import Chain, ChainSegment, Project, Role, SegmentCompany, SegmentProject
from app.permissions import get_editable_or_403, get_visible_or_404, require
from app.permissions.chains import can_create_chain, can_edit_chain
from app.views import attempt


@bp.route("/")
@login_required
def index():
    return render_template(
        "chains/index.html",
        summaries=chain_list(current_user),
        can_create=can_create_chain(current_user),
        can_import=current_user.role is not Role.VIEWER,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(can_create_chain(current_user))
    form = ChainForm()
    chain_form_choices(form)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_chain(form.chain_data(), current_user), form)
        if outcome:
            flash(_("已创建产业链「%(name)s」，请添加环节。", name=outcome.value.name), "success")
            return redirect(url_for("chains.detail", chain_id=outcome.value.id))
    return render_template("chains/form.html", form=form, chain=None), 422 if request.method == "POST" else 200


@bp.route("/<int:chain_id>/edit", methods=["GET", "POST"])
@login_required
def edit(chain_id: int):
    chain = get_editable_or_403(Chain, chain_id)
    form = ChainForm(obj=chain if request.method == "GET" else None)
    chain_form_choices(form, chain)
    if form.validate_on_submit():
        outcome = attempt(
            lambda: services.update_chain(chain, form.chain_data(), current_user, version=form.version.data), form
        )
        if outcome:
            flash(_("已保存。"), "success")
            return redirect(url_for("chains.detail", chain_id=chain.id))
    return render_template("chains/form.html", form=form, chain=chain), 422 if request.method == "POST" else 200


@bp.route("/<int:chain_id>")
@login_required
def detail(chain_id: int):
    chain = get_visible_or_404(Chain, chain_id)
    can_edit = can_edit_chain(current_user, chain)
    form = None
    if can_edit:
        form = SegmentForm()
        form.parent_id.choices = segment_parent_choices(chain)
    return render_template("chains/map.html", view=chain_map(chain), can_edit=can_edit, form=form)


@bp.route("/<int:chain_id>/segments", methods=["POST"])
@login_required
def add_segment(chain_id: int):
    chain = get_editable_or_403(Chain, chain_id)
    form = SegmentForm()
    form.parent_id.choices = segment_parent_choices(chain)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.add_segment(chain, form.segment_data(), current_user), form)
        if outcome:
            flash(_("已添加环节「%(name)s」。", name=outcome.value.name), "success")
            return redirect(url_for("chains.detail", chain_id=chain.id))
    status = 422
    return render_template("chains/map.html", view=chain_map(chain), can_edit=True, form=form), status


def _segment_page(segment: ChainSegment, status: int = 200, **forms):
    chain = segment.chain
    can_edit = can_edit_chain(current_user, chain)
    forms.setdefault("company_form", PlaceCompanyForm())
    forms.setdefault("project_form", PlaceProjectForm())
    if "segment_form" not in forms:
        segment_form = SegmentForm(obj=segment)
        segment_form.stage.data = segment.stage.value
        forms["segment_form"] = segment_form
    forms["segment_form"].parent_id.choices = segment_parent_choices(chain, exclude=segment)
    template = "chains/_segment.html" if request.headers.get("HX-Request") else "chains/segment.html"
    return render_template(template, view=segment_view(segment), chain=chain, can_edit=can_edit, **forms), status


@bp.route("/segments/<int:segment_id>")
@login_required
def segment(segment_id: int):
    segment = db.get_or_404(ChainSegment, segment_id)
    get_visible_or_404(Chain, segment.chain_id)
    return _segment_page(segment)


def _editable_segment(segment_id: int) -> ChainSegment:
    segment = db.get_or_404(ChainSegment, segment_id)
    get_editable_or_403(Chain, segment.chain_id)
    return segment


@bp.route("/segments/<int:segment_id>/edit", methods=["POST"])
@login_required
def edit_segment(segment_id: int):
    segment = _editable_segment(segment_id)
    form = SegmentForm()
    form.parent_id.choices = segment_parent_choices(segment.chain, exclude=segment)
    if form.validate_on_submit() and attempt(
        lambda: services.update_segment(segment, form.segment_data(), current_user), form
    ):
        flash(_("已保存。"), "success")
        return redirect(url_for("chains.segment", segment_id=segment.id))
    return _segment_page(segment, 422, segment_form=form)


@bp.route("/segments/<int:segment_id>/companies", methods=["POST"])
@login_required
def place_company(segment_id: int):
    segment = _editable_segment(segment_id)
    form = PlaceCompanyForm()
    if form.validate_on_submit():

        def place():
            company = services.company_by_name(form.company_name.data or "")
            if company is None:
                raise ChainError(_("企业库中没有这家企业，请先在企业库登记。"), "company_name")
            return services.place_company(
                segment, company, current_user, chain_master=form.chain_master.data, placed_on=form.placed_on.data
            )

        if attempt(place, form):
            flash(_("已放上本地企业。"), "success")
            return redirect(url_for("chains.segment", segment_id=segment.id))
    return _segment_page(segment, 422, company_form=form)


def _project_named(text: str) -> Project:
    text = text.strip().lstrip("#")
    condition = Project.id == int(text) if text.isdecimal() and len(text) < 10 else Project.name == text
    project = db.session.scalar(
        sa.select(Project).where(condition, Project.archived_at.is_(None)).order_by(Project.id).limit(1)
    )
    if project is None:
        raise ChainError(_("项目库中没有这个项目（请填写项目名称或编号）。"), "project")
    return project


@bp.route("/segments/<int:segment_id>/projects", methods=["POST"])
@login_required
def place_project(segment_id: int):
    segment = _editable_segment(segment_id)
    form = PlaceProjectForm()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: services.place_project(segment, _project_named(form.project.data or ""), current_user), form
        )
        if outcome:
            flash(_("已放上项目。"), "success")
            return redirect(url_for("chains.segment", segment_id=segment.id))
    return _segment_page(segment, 422, project_form=form)


@bp.route("/placements/<kind>/<int:placement_id>/delete", methods=["POST"])
@login_required
def remove_placement(kind: str, placement_id: int):
    model = {"company": SegmentCompany, "project": SegmentProject}.get(kind)
    if model is None:
        abort(404)
    placement = db.get_or_404(model, placement_id)
    segment = _editable_segment(placement.segment_id)
    if attempt(lambda: services.remove_placement(placement, current_user)):
        flash(_("已移出该环节。"), "success")
    return redirect(url_for("chains.segment", segment_id=segment.id))
