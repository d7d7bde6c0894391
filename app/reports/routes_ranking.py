"""比学赶超综合排名: the report (period, .xlsx) and the admin's weights page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.forms import BaseForm
from app.permissions import admin_required
from app.permissions.reviews import can_set_ranking_weights
from app.reports import bp, ranking
from app.reports.filters import parse_query
from app.reports.routes import run_report, today
from app.reviews.scoring import plain
from app.views import attempt


@bp.route("/ranking", endpoint="ranking")
@login_required
def ranking_view():
    return run_report(
        "reports/ranking.html",
        lambda: parse_query(request.args, today()),
        ranking.ranking_report,
        ranking.sheets,
        _("比学赶超综合排名"),
        "比学赶超综合排名",
        parts=list(ranking.PARTS),
        may_set_weights=can_set_ranking_weights(current_user),
    )


def _posted_weights() -> tuple[dict[str, Decimal], dict[str, str]]:
    values: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for key, (label, _default) in ranking.PARTS.items():
        raw = (request.form.get(key) or "").strip()
        try:
            values[key] = Decimal(raw)
        except InvalidOperation:
            errors[key] = _("「%(part)s」的权重须为 0–100 之间的数字。", part=label)
    return values, errors


@bp.route("/ranking/weights", methods=["GET", "POST"])
@admin_required
def ranking_weights():
    form = BaseForm()
    errors: dict[str, str] = {}
    refused = False
    current = ranking.weights()
    if form.validate_on_submit():
        values, errors = _posted_weights()
        if not errors:
            outcome = attempt(lambda: ranking.save_weights(values, current_user))
            if outcome:
                flash(_("已保存综合排名权重。"), "success")
                return redirect(url_for("reports.ranking"))
            refused = True
            if outcome.field:
                errors[outcome.field] = outcome.message or ""
        current = {**current, **values}
    elif request.method == "POST":
        flash(_("页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"), "danger")
    page = render_template(
        "reports/ranking_weights.html",
        form=form,
        parts=ranking.PARTS,
        current=current,
        errors=errors,
        plain=plain,
    )
    return page, (400 if errors or refused else 200)
