"""The fulfilment list (履约跟踪): every signed project's commitments against
what happened, with its .xlsx export."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import xlsx
from app.agreements import bp, fulfilment
from app.agreements.view_helpers import event_choices
from app.db import db
from app.lookups import department_choices
from app.models import SigningEvent
from app.pagination import page_args
from app.params import parse_id

# --- fulfilment list -------------------------------------------------------------


def _filters() -> fulfilment.FulfilmentFilters:
    return fulfilment.FulfilmentFilters(
        department_id=parse_id(request.args.get("department")),
        event_id=parse_id(request.args.get("event")),
        overdue_only=request.args.get("overdue") == "1",
        q=(request.args.get("q") or "").replace("\x00", "").strip()[:50],
    )


@bp.route("/")
@login_required
def index():
    filters = _filters()
    today = dt.date.today()
    page = fulfilment.fulfilment_page(current_user, filters, today, *page_args())
    return render_template(
        "agreements/index.html",
        page=page,
        rows=fulfilment.to_rows(page.items, today),
        filters=filters,
        departments=department_choices(blank=None),
        events=event_choices()[2:],
    )


@bp.route("/export.xlsx")
@login_required
def export():
    filters = _filters()
    today = dt.date.today()
    result = db.session.execute(fulfilment.fulfilment_query(current_user, filters, today)).all()
    rows = fulfilment.to_rows(result, today)
    shown: dict[str, str] = {}
    if filters.department_id:
        shown[_("牵头部门")] = dict(department_choices(blank=None)).get(filters.department_id, "")
    if filters.event_id:
        event = db.session.get(SigningEvent, filters.event_id)
        shown[_("签约活动")] = event.name if event else ""
    if filters.overdue_only:
        shown[_("范围")] = _("仅逾期")
    if filters.q:
        shown[_("关键词")] = filters.q
    return xlsx.xlsx_response(
        f"履约跟踪-{today.isoformat()}.xlsx",
        _("履约跟踪"),
        [str(h) for h in fulfilment.EXPORT_HEADERS],
        fulfilment.export_rows(rows),
        caption=xlsx.export_caption(_("履约跟踪"), shown),
    )
