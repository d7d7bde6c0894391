"""督查整改统计 (by responsible department) as a page and as .xlsx."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock, xlsx
from app.inspections import bp
from app.inspections.report import MEASURES, InspectionReport, Row, build, ledger_args
from app.params import Params


def _report(params: Params) -> InspectionReport:
    today = clock.today()
    since, until = params.date_range("from", "to", _("督查日期起"), _("督查日期止"))
    return build(current_user, since or dt.date(today.year, 1, 1), until or today, today)


@bp.route("/report")
@login_required
def report():
    params = Params(request.args)
    built = _report(params)
    params.flash_errors()
    return render_template("inspections/report.html", report=built, ledger_args=ledger_args)


@bp.route("/report.xlsx")
@login_required
def report_export():
    params = Params(request.args)
    built = _report(params)
    params.refuse_errors()
    headers = [
        _("责任部门"),
        _("督查事项"),
        _("已销号"),
        _("按期销号"),
        _("待销号"),
        _("超期未整改"),
        _("按期整改率（%）"),
    ]

    def line(row: Row, name: str) -> list[object]:
        rate = row.on_time_rate
        return [name, *(row.counts[m] for m in MEASURES), rate if rate is not None else ""]

    rows = [line(row, row.name) for row in built.rows] + [line(built.total, _("合计"))]
    caption = xlsx.export_caption(
        _("督查整改统计"), {_("督查日期"): f"{built.since.isoformat()}～{built.until.isoformat()}"}
    )
    return xlsx.xlsx_response(
        f"督查整改统计-{built.since.isoformat()}-{built.until.isoformat()}.xlsx",
        _("督查整改统计"),
        headers,
        rows,
        caption=caption,
        totals=False,
    )
