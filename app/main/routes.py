"""Home page: a greeting and the panels the features contribute for the
signed-in user's role."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from app.main import bp
from app.main.home import panels_for


@bp.route("/")
@login_required
def index():
    return render_template("main/index.html", panels=panels_for(current_user))


@bp.route("/healthz")
def healthz():
    """Liveness for the reverse proxy: the database answers."""
    import sqlalchemy as sa

    from app.db import db

    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico regardless of the <link>; answer it."""
    from flask import redirect, url_for

    return redirect(url_for("static", filename="favicon.svg"), code=301)
