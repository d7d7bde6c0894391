"""Target pages: the yearly targets report (completion and ranking) and the
admin's entry grid for the targets of a year."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.models import TargetMetric
from app.permissions import admin_required
from app.reports import bp, targets
from app.reports.filters import ReportQuery, choice, parse_query
from app.reports.forms import TargetsForm, entry_grid
from app.reports.periods import ReportInputError, parse_year
from app.reports.routes import run_report, today
from app.views import attempt


def _targets_query() -> ReportQuery:
    year = parse_year(request.args.get("year"), today())
    metric = choice(request.args, "metric", [mt.value for mt in TargetMetric], TargetMetric.SIGNED_AMOUNT.value)
    # Targets are yearly and per department: the only inputs are year and metric.
    return parse_query({"period": "year", "year": str(year)}, today(), options={"metric": metric})


@bp.route("/targets", endpoint="targets")
@login_required
def targets_view():
    return run_report(
        "reports/targets.html",
        _targets_query,
        targets.targets_report,
        targets.sheets,
        _("目标考核"),
        "目标考核",
        metric_choices=[(mt.value, mt.label) for mt in TargetMetric],
        amount_metrics=targets.AMOUNT_METRICS,
    )


@bp.route("/targets/edit", methods=["GET", "POST"])
@admin_required
def targets_edit():
    try:
        year = parse_year(request.values.get("year"), today())
    except ReportInputError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("reports.targets_edit"))
    grid, form = entry_grid(year), TargetsForm()
    errors: dict[str, str] = {}
    raw: dict[str, str] = {}
    if form.validate_on_submit():
        values, errors, raw = form.parse_grid(request.form, grid["department_ids"])
        if errors:
            flash(_("有 %(n)d 项目标值有误，请根据提示修改。", n=len(errors)), "danger")
        elif outcome := attempt(lambda: targets.save_targets(year, values)):
            flash(_("已保存 %(year)d 年目标任务（%(n)d 项变更）。", year=year, n=outcome.value), "success")
            return redirect(url_for("reports.targets_edit", year=year))
    elif request.method == "POST":
        flash(_("页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"), "danger")
    page = render_template("reports/targets_edit.html", form=form, year=year, errors=errors, raw=raw, **grid)
    return page, (400 if errors else 200)
