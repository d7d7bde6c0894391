"""问题解决情况 report: the page (period, grouping), its .xlsx (`?format=xlsx`,
as every report), and the API's
`GET /api/v1/reports/problems` read `reports/problems.build`."""

from __future__ import annotations

import datetime as dt

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock, xlsx
from app.params import Params
from app.reports import bp
from app.reports.problems import GROUPINGS, MEASURES, ProblemsReport, build, ledger_args, sheet


def _report(params: Params) -> ProblemsReport:
    today = clock.today()
    start, end = params.date_range("start", "end", _("起始日期"), _("截止日期"))
    by = params.choice("by", _("分组"), GROUPINGS, default="category") or "category"
    return build(current_user, start or dt.date(today.year, 1, 1), end or today, by)


@bp.route("/problems")
@login_required
def problems():
    params = Params(request.args)
    report = _report(params)
    if request.args.get("format") == "xlsx":
        params.refuse_errors()
        return _export(report)
    params.flash_errors()
    return render_template(
        "reports/problems.html", report=report, groupings=GROUPINGS, measures=MEASURES, ledger_args=ledger_args
    )


def _export(report: ProblemsReport) -> Response:
    title, headers, rows = sheet(report)
    caption = xlsx.export_caption(title, {"期间": f"{report.start.isoformat()}～{report.end.isoformat()}"})
    return xlsx.xlsx_response(
        f"问题解决情况-{report.start.isoformat()}-{report.end.isoformat()}.xlsx",
        title,
        headers,
        rows,
        caption=caption,
        totals=False,
    )
