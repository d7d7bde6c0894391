"""批量记录拜访: an activity's quick visit form (several companies' visits
saved in one go, all or nothing) and the company search of its rows (an
htmx fragment of radio buttons: no script of our own)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.activities import bp, quick_visits
from app.activities.forms_visits import QuickVisitsForm
from app.lookups import ref_choices
from app.models import Activity, RefKind
from app.params import parse_id
from app.permissions import can_log_on_activity, get_visible_or_404, require
from app.views import attempt


def _loggable(activity_id: int) -> Activity:
    activity = get_visible_or_404(Activity, activity_id)
    require(can_log_on_activity(current_user, activity))
    return activity


def _fill(entries: list, activity: Activity, people: list[int]) -> None:
    """Blank rows: the default date and all the activity's people."""
    for entry in entries:
        entry.form.visited_on.data = quick_visits.default_visit_date(activity)
        entry.form.participant_ids.data = list(people)


@bp.route("/<int:activity_id>/visits", methods=["GET", "POST"])
@login_required
def quick_visits_form(activity_id: int):
    activity = _loggable(activity_id)
    people = quick_visits.people(activity, current_user)
    form = QuickVisitsForm()
    form.setup([(u.id, u.name) for u in people], ref_choices(RefKind.VISIT_KIND, blank=_("（不填）")))
    refused, status = None, 200
    if request.method == "GET":
        form.kind_id.data = quick_visits.default_visit_kind(activity)
        _fill(list(form.rows), activity, [u.id for u in people])
    elif request.form.get("add_row"):
        if len(form.rows) < quick_visits.MAX_ROWS:
            form.rows.append_entry()
            form.setup([(u.id, u.name) for u in people], form.kind_id.choices)
            _fill([form.rows[-1]], activity, [u.id for u in people])
    elif form.validate_on_submit():
        rows = form.visit_rows()
        outcome = attempt(lambda: quick_visits.log_visits(activity, rows, current_user, kind_id=form.kind_id.data))
        if outcome:
            flash(_("已记录 %(n)d 条拜访。", n=len(outcome.value)), "success")
            return redirect(url_for("activities.detail", activity_id=activity.id))
        status = 422
        refused = outcome.refusal if isinstance(outcome.refusal, quick_visits.RowError) else None
        if refused is not None and refused.row_field and refused.warning is None:
            field = form.rows[refused.number - 1].form[refused.row_field]
            field.errors = [*field.errors, refused.inner.message]
    return render_template(
        "activities/quick_visits.html",
        activity=activity,
        form=form,
        refused=refused,
        matches=quick_visits.choices_after_rollback(refused.warning) if refused and refused.warning else [],
        labels=quick_visits.picked_labels([entry.form.pick.data or "" for entry in form.rows]),
    ), (422 if form.errors else status)


@bp.route("/<int:activity_id>/visits/search")
@login_required
def quick_visits_search(activity_id: int):
    """The companies a row may pick: `row` (its index) and the row's typed name."""
    _loggable(activity_id)
    index = parse_id(request.args.get("row")) or 0
    index = min(index, quick_visits.MAX_ROWS - 1)
    q = request.args.get(f"rows-{index}-company_name") or request.args.get("q") or ""
    return render_template(
        "activities/_visit_picks.html",
        index=index,
        pick="",
        found=quick_visits.search_subjects(current_user, q),
        labels={},
    )
