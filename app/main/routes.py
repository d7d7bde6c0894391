"""Home page: a greeting, the shortcuts of staff (登记线索, 记录拜访,
我的待跟进 — three taps fewer on a phone) and the panels the features
contribute for the signed-in user's role; the health check; the money fields' live preview."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from app.main import bp
from app.main.home import panels_for
from app.money import CNY, USD, MoneyError, describe, parse_money
from app.permissions import can_create_lead


@bp.route("/")
@login_required
def index():
    return render_template("main/index.html", panels=panels_for(current_user), shortcuts=can_create_lead(current_user))


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


@bp.route("/money/preview/<currency>")
@login_required
def money_preview(currency: str):
    """What the one money parser reads in a field as it is typed (htmx): the
    amount with its unit and in 亿, or why it cannot be read."""
    unit = {"cny": CNY, "usd": USD}.get(currency)
    if unit is None:
        abort(404)
    raw = next(iter(request.args.values()), "")
    try:
        amount = parse_money(raw[:100], unit)
    except MoneyError as error:
        return Markup('<span class="text-danger">{}</span>').format(error.message)
    return Markup("= {}").format(describe(amount, unit)) if amount is not None else ""
