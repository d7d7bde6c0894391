"""The fulfilment list (履约跟踪): every signed project's commitments against
what happened, with its .xlsx export."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from app import clock
from app.agreements import bp, exports, fulfilment
from app.agreements.view_helpers import event_choices
from app.lookups import department_choices
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
    today = clock.today()
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
    return exports.fulfilment_export(current_user, _filters(), clock.today())
