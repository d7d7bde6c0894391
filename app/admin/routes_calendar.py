"""Admin page: the working-day calendar — the State Council's holidays and
调休 for a year, and the district's own overrides on top (app/workdays.py)."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import clock, workdays
from app.admin import bp, queries, services
from app.admin.forms import WorkdayOverrideForm
from app.params import Params
from app.permissions import admin_required
from app.views import attempt


@bp.route("/workdays", methods=["GET", "POST"])
@admin_required
def workdays_page():
    params = Params(request.args)
    year = params.year("year", _("年份")) or clock.today().year
    params.flash_errors()
    form = WorkdayOverrideForm()
    if form.validate_on_submit():
        day, working = form.day.data, form.is_workday.data == "1"
        if attempt(lambda: services.save_workday_override(day, working, form.note.data), form):
            workdays.forget()
            kind = _("上班") if working else _("休息")
            flash(_("已将 %(day)s 设为%(kind)s。", day=day.isoformat(), kind=kind), "success")
            return redirect(url_for("admin.workdays_page", year=day.year))
    return render_template("admin/workdays.html", form=form, **queries.workday_year(year))


@bp.route("/workdays/<day>/delete", methods=["POST"])
@admin_required
def workday_remove(day: str):
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        abort(404)
    if attempt(lambda: services.remove_workday_override(parsed)):
        workdays.forget()
        flash(_("%(day)s 已恢复为国务院安排。", day=parsed.isoformat()), "success")
    return redirect(url_for("admin.workdays_page", year=parsed.year))
