"""The lead's page: its facts, clocks, visit timeline, status history,
conflicts and the forms the viewer may use on it — built once here for the
page view and for a refused quick visit that shows the page again."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app import clock
from app.activity_links import activity_links
from app.companies.services import other_followers
from app.db import db
from app.leads import choices, clocks, pipeline, services
from app.leads.forms import ShelveForm, StatusForm, UnshelveForm, VisitForm
from app.leads.project_panel import editable_visits
from app.leads.visits import lead_visits
from app.models import CompanyConflict, ConflictStatus, Lead, LeadStatusChange, RefKind
from app.permissions import can_edit_lead, can_log_on_lead


def detail_context(lead: Lead, visit_form: VisitForm | None = None) -> dict[str, Any]:
    """Everything the lead's page shows (also when a visit posted from it is
    refused and the page is shown again with `visit_form`)."""
    today = clock.today()
    overdue, stale = db.session.execute(
        sa.select(clocks.overdue_expr(today), clocks.stale_expr(today)).where(Lead.id == lead.id)
    ).one()
    history = db.session.scalars(
        sa.select(LeadStatusChange)
        .where(LeadStatusChange.lead_id == lead.id)
        .options(joinedload(LeadStatusChange.changed_by), joinedload(LeadStatusChange.reason))
        .order_by(LeadStatusChange.changed_at.desc(), LeadStatusChange.id.desc())
    ).all()
    conflicts = db.session.scalars(
        sa.select(CompanyConflict)
        .where(
            CompanyConflict.company_id == lead.company_id,
            sa.or_(
                CompanyConflict.lead_id == lead.id,
                CompanyConflict.holder_department_id == lead.owner_department_id,
            ),
        )
        .options(joinedload(CompanyConflict.claimant_department), joinedload(CompanyConflict.holder_department))
        .order_by(CompanyConflict.detected_at.desc())
    ).all()
    may_edit = can_edit_lead(current_user, lead)
    visits = lead_visits(lead)
    ctx: dict[str, Any] = {
        "lead": lead,
        "visits": visits,
        "editable_visits": editable_visits(current_user, visits),
        "history": history,
        "projects": pipeline.lead_projects(lead),
        "followers": other_followers(lead.company_id, lead.owner_department_id),
        "conflicts": conflicts,
        "ConflictStatus": ConflictStatus,
        "overdue": overdue,
        "stale": stale,
        "clock_label": clocks.label,
        "may_edit": may_edit,
        "may_log": can_log_on_lead(current_user, lead),
        "moves": pipeline.allowed_moves(lead) if may_edit else (),
        "activity_links": activity_links(current_user, [lead.activity_id, *(v.activity_id for v in visits)]),
    }
    if may_edit:
        status_form = StatusForm(version=lead.version)
        shelve_form = ShelveForm(version=lead.version)
        shelve_form.reason_id.choices = choices.with_blank(
            choices.ref_lists(RefKind.REASON)[RefKind.REASON], _("请选择")
        )
        ctx.update(
            status_form=status_form,
            shelve_form=shelve_form,
            unshelve_form=UnshelveForm(version=lead.version),
            shelvable=lead.status in services.SHELVABLE,
            convertible=lead.status in services.OPEN_STATUSES,
        )
    if ctx["may_log"]:
        if visit_form is None:
            visit_form = VisitForm(formdata=None)
            visit_form.participant_ids.data = [current_user.id]
        choices.setup_visit_form(visit_form, None, current_user)
        ctx["visit_form"] = visit_form
    return ctx
