"""The reviewer's phone page (one project at a time, big boxes, saved per
project, then the next one) and the results: the rankings of projects and
departments, the printable 通报 (A4) and the .xlsx."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from app import clock
from app.models import ReviewEvent, ReviewProject
from app.params import parse_id
from app.permissions import get_visible_or_404, require
from app.permissions.reviews import can_manage_reviews, can_score_review, can_view_review_results
from app.reviews import bp, exports, queries, results, services
from app.reviews.forms import ActionForm, posted_scores
from app.views import attempt

SCORER_ONLY = "您不是本次观摩的评委，不能评分。"


# What the phone page shows of every project, loaded with the event.
SCORING = (
    orm.selectinload(ReviewEvent.projects).joinedload(ReviewProject.project),
    orm.selectinload(ReviewEvent.projects).joinedload(ReviewProject.department),
    orm.selectinload(ReviewEvent.criteria),
    orm.selectinload(ReviewEvent.reviewers),
)


def _scorer_event(review_id: int) -> ReviewEvent:
    event = get_visible_or_404(ReviewEvent, review_id, options=SCORING)
    require(can_score_review(current_user, event), _(SCORER_ONLY))
    return event


def _next_item(event: ReviewEvent, done: dict[int, dict[int, object]], after: int | None = None):
    """The first project not yet fully scored (after `after`, then from the
    top), or None when every one is."""
    needed = {c.id for c in event.criteria}
    items = list(event.projects)
    if after is not None:
        index = next((i for i, item in enumerate(items) if item.id == after), -1)
        items = items[index + 1 :] + items[: index + 1]
    return next((item for item in items if not needed <= set(done.get(item.id, {}))), None)


@bp.route("/<int:review_id>/score")
@login_required
def score(review_id: int):
    event = _scorer_event(review_id)
    done = queries.finished_items(event, current_user)
    wanted = parse_id(request.args.get("entry"))
    item = next((i for i in event.projects if i.id == wanted), None) if wanted else _next_item(event, done)
    return _score_page(event, item, done, {})


def _score_page(event: ReviewEvent, item, done, posted: dict[int, str], status: int = 200):
    needed = {c.id for c in event.criteria}
    finished = {i.id for i in event.projects if needed and needed <= set(done.get(i.id, {}))}
    position = next((n for n, i in enumerate(event.projects, start=1) if item is not None and i.id == item.id), 0)
    page = render_template(
        "reviews/score.html",
        event=event,
        item=item,
        position=position,
        sheet=done.get(item.id, {}) if item is not None else {},
        posted=posted,
        finished=finished,
        form=ActionForm(),
    )
    return page, status


@bp.route("/<int:review_id>/score/<int:entry_id>", methods=["POST"])
@login_required
def save_score(review_id: int, entry_id: int):
    event = _scorer_event(review_id)
    item = next((i for i in event.projects if i.id == entry_id), None)
    if item is None:
        abort(404)
    raw = posted_scores(request.form)
    if not ActionForm().validate_on_submit():
        flash(_("页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"), "danger")
        outcome = None
    else:
        outcome = attempt(lambda: services.save_scores(event, item, current_user, raw))
    if not outcome:
        done = queries.finished_items(event, current_user)
        return _score_page(event, item, done, raw, status=409 if not event.is_open else 422)
    flash(_("已保存「%(name)s」的评分。", name=item.project.name), "success")
    done = queries.finished_items(event, current_user)
    following = _next_item(event, done, after=item.id)
    if following is None:
        return redirect(url_for("reviews.score", review_id=event.id, entry=item.id, all_done=1))
    return redirect(url_for("reviews.score", review_id=event.id, entry=following.id))


def _results_event(review_id: int) -> ReviewEvent:
    event = get_visible_or_404(ReviewEvent, review_id)
    require(can_view_review_results(current_user, event), _("观摩评分进行中，结果在结束评分后公布。"))
    return event


@bp.route("/<int:review_id>/results")
@login_required
def results_page(review_id: int):
    event = _results_event(review_id)
    return render_template(
        "reviews/results.html",
        event=event,
        results=results.event_results(event),
        may_manage=can_manage_reviews(current_user),
    )


@bp.route("/<int:review_id>/bulletin")
@login_required
def bulletin(review_id: int):
    event = _results_event(review_id)
    return render_template(
        "reviews/bulletin.html", event=event, results=results.event_results(event), today=clock.today()
    )


@bp.route("/<int:review_id>/results.xlsx")
@login_required
def export(review_id: int):
    event = _results_event(review_id)
    return exports.results_export(results.event_results(event))
