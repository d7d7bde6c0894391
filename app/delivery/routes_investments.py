"""The monthly investment reports: the month's list of the key projects
(reported, awaiting review, not reported), filing, correcting and reviewing."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from app.delivery import bp


@bp.route("/")
@login_required
def index():
    return render_template("delivery/index.html")
