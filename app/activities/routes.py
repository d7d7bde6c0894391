"""招商活动 pages (to be completed): an activity's page."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from app.activities import bp, outcomes
from app.models import Activity
from app.permissions import get_visible_or_404


@bp.route("/<int:activity_id>")
@login_required
def detail(activity_id: int):
    activity = get_visible_or_404(Activity, activity_id)
    outcome = outcomes.outcomes_for([activity.id])[activity.id]
    return render_template("activities/detail.html", activity=activity, outcome=outcome)
