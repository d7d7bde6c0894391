"""The approval ledger (联审联批台账) and its .xlsx export."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from app.approvals import bp, exports
from app.approvals.queries import LEVELS, STATUSES, ApprovalFilters, ledger_page
from app.lookups import department_choices, ref_choices
from app.models import ProjectLevel, RefKind
from app.pagination import page_args
from app.params import Params


@bp.route("/")
@login_required
def index():
    params = Params(request.args)
    filters = ApprovalFilters.read(params)
    params.flash_errors()
    listing = ledger_page(filters, current_user, *page_args())
    return render_template(
        "approvals/index.html",
        listing=listing,
        filters=filters,
        statuses=STATUSES,
        levels=[(key, level.label) for key, level in LEVELS.items()],
        project_levels=ProjectLevel.choices(),
        types=ref_choices(RefKind.APPROVAL_TYPE, blank=None),
        departments=department_choices(blank=None),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    """The ledger's filters → 联审联批事项台账-YYYY-MM-DD.xlsx; a filter that
    cannot be read → 400 naming it."""
    params = Params(request.args)
    filters = ApprovalFilters.read(params)
    params.refuse_errors()
    return exports.ledger_export(filters, current_user)
