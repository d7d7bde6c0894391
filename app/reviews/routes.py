"""Review events (观摩评比): the list (everyone; a reviewer's open events on
top), creating and editing an event, its page with the sheet, projects and
reviewers (admin adds and removes them there), and closing it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.db import db
from app.lookups import user_choices
from app.models import ReviewCriterion, ReviewEvent, ReviewProject, User
from app.pagination import page_args, paginate
from app.permissions import get_editable_or_403, get_visible_or_404, require
from app.permissions.reviews import (
    can_manage_reviews,
    can_score_review,
    can_view_review_results,
)
from app.reviews import bp, queries, results, services
from app.reviews.forms import ActionForm, CriterionForm, EventForm, ProjectPickForm, ReviewerForm
from app.views import attempt


@bp.route("/")
@login_required
def index():
    page = paginate(queries.list_statement(), *page_args(default_per_page=20))
    return render_template(
        "reviews/index.html",
        page=page,
        counts=queries.counts([e.id for e in page.items]),
        mine=queries.to_score(current_user),
        may_manage=can_manage_reviews(current_user),
    )


def _event_form(event: ReviewEvent | None) -> EventForm:
    form = EventForm(obj=event)
    if request.method == "GET" and event is not None:
        form.version.data = str(event.version)
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(can_manage_reviews(current_user))
    form = _event_form(None)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_event(form.event_data(), current_user), form)
        if outcome:
            flash(_("已新建观摩「%(name)s」，请添加观摩项目和评委。", name=outcome.value.name), "success")
            return redirect(url_for("reviews.detail", review_id=outcome.value.id))
    return render_template("reviews/form.html", form=form, event=None, kinds=services.KINDS)


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int):
    event = get_editable_or_403(ReviewEvent, review_id)
    form = _event_form(event)
    if form.validate_on_submit():
        outcome = attempt(
            lambda: services.update_event(event, form.event_data(), current_user, version=form.version.data), form
        )
        if outcome:
            flash(_("已保存。"), "success")
            return redirect(url_for("reviews.detail", review_id=event.id))
        if outcome.stale:
            form.version.data = str(event.version)
    return render_template("reviews/form.html", form=form, event=event, kinds=services.KINDS)


@bp.route("/<int:review_id>")
@login_required
def detail(review_id: int):
    event = get_visible_or_404(ReviewEvent, review_id)
    manage = can_manage_reviews(current_user) and event.is_open
    project_form, reviewer_form = ProjectPickForm(), ReviewerForm()
    if manage:
        project_form.project_id.choices = [("", _("选择项目库中的项目")), *queries.project_choices(event)]
        taken = {r.id for r in event.reviewers}
        reviewer_form.user_id.choices = [
            choice for choice in user_choices(blank=_("选择评委")) if choice[0] not in taken
        ]
    return render_template(
        "reviews/detail.html",
        event=event,
        progress=results.event_results(event),
        manage=manage,
        may_manage=can_manage_reviews(current_user),
        may_score=can_score_review(current_user, event) and event.is_open,
        may_see_results=can_view_review_results(current_user, event),
        criterion_form=CriterionForm(),
        project_form=project_form,
        reviewer_form=reviewer_form,
        action=ActionForm(),
    )


def _manage(review_id: int) -> ReviewEvent:
    return get_editable_or_403(ReviewEvent, review_id)


def _back(event: ReviewEvent, anchor: str):
    return redirect(url_for("reviews.detail", review_id=event.id, _anchor=anchor))


@bp.route("/<int:review_id>/criteria", methods=["POST"])
@login_required
def add_criterion(review_id: int):
    event = _manage(review_id)
    form = CriterionForm()
    if form.validate_on_submit():
        if attempt(lambda: services.add_criterion(event, form.name.data, form.weight.data, current_user)):
            flash(_("已添加评分指标「%(name)s」。", name=form.name.data), "success")
    else:
        flash(_("请填写评分指标名称和权重。"), "danger")
    return _back(event, "sheet")


@bp.route("/<int:review_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def remove_criterion(review_id: int, criterion_id: int):
    event = _manage(review_id)
    criterion = db.session.get(ReviewCriterion, criterion_id)
    if (
        ActionForm().validate_on_submit()
        and criterion is not None
        and attempt(lambda: services.remove_criterion(event, criterion, current_user))
    ):
        flash(_("已删除评分指标「%(name)s」。", name=criterion.name), "success")
    return _back(event, "sheet")


@bp.route("/<int:review_id>/projects", methods=["POST"])
@login_required
def add_project(review_id: int):
    event = _manage(review_id)
    form = ProjectPickForm()
    form.project_id.choices = queries.project_choices(event)
    if form.validate_on_submit():
        if outcome := attempt(lambda: services.add_project(event, form.project_id.data, current_user)):
            flash(_("已添加观摩项目「%(name)s」。", name=outcome.value.project.name), "success")
    else:
        flash(_("请从项目库中选择观摩项目（未退出、尚未列入的项目）。"), "danger")
    return _back(event, "projects")


@bp.route("/<int:review_id>/projects/<int:entry_id>/delete", methods=["POST"])
@login_required
def remove_project(review_id: int, entry_id: int):
    event = _manage(review_id)
    item = db.session.get(ReviewProject, entry_id)
    if (
        ActionForm().validate_on_submit()
        and item is not None
        and attempt(lambda: services.remove_project(event, item, current_user))
    ):
        flash(_("已移出观摩项目。"), "success")
    return _back(event, "projects")


@bp.route("/<int:review_id>/reviewers", methods=["POST"])
@login_required
def add_reviewer(review_id: int):
    event = _manage(review_id)
    form = ReviewerForm()
    form.user_id.choices = user_choices(blank=None)
    if form.validate_on_submit():
        if outcome := attempt(lambda: services.add_reviewer(event, form.user_id.data, current_user)):
            flash(_("已添加评委 %(name)s。", name=outcome.value.name), "success")
    else:
        flash(_("请选择评委（启用的用户）。"), "danger")
    return _back(event, "reviewers")


@bp.route("/<int:review_id>/reviewers/<int:reviewer_id>/delete", methods=["POST"])
@login_required
def remove_reviewer(review_id: int, reviewer_id: int):
    event = _manage(review_id)
    user = db.session.get(User, reviewer_id)
    if (
        ActionForm().validate_on_submit()
        and user is not None
        and attempt(lambda: services.remove_reviewer(event, user, current_user))
    ):
        flash(_("已移出评委 %(name)s。", name=user.name), "success")
    return _back(event, "reviewers")


@bp.route("/<int:review_id>/close", methods=["POST"])
@login_required
def close(review_id: int):
    event = _manage(review_id)
    form = ActionForm()
    if form.validate_on_submit() and attempt(
        lambda: services.close_event(event, current_user, version=form.version.data or None)
    ):
        flash(_("「%(name)s」已结束评分，评分已锁定，结果已发布。", name=event.name), "success")
        return redirect(url_for("reviews.results_page", review_id=event.id))
    return _back(event, "close")


@bp.context_processor
def _helpers() -> dict:
    from app.reviews.scoring import plain

    return {"score_text": score_text, "plain": plain}


def score_text(value) -> str:
    """A score as printed (2 decimals), '—' when there is none."""
    from app.reviews.scoring import rounded

    return "—" if value is None else str(rounded(value))
