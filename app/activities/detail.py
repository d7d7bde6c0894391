"""An activity's page: its facts, what it produced (`outcomes.outcomes_for`,
district-wide numbers, like the report's), the visits, leads and projects
behind those numbers that the viewer may see (each list within the lead,
visit and project scopes of `app.permissions`), the trip report
(attachments, owner "activity") and the `can` flags of its buttons —
gathered once here for the page and for a refused upload that shows the
page again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import joinedload, selectinload

from app import attachments
from app.activities.forms import ArchiveForm, ConfirmForm, UploadForm
from app.activities.outcomes import outcomes_for, signed_projects
from app.db import db
from app.models import Activity, Lead, Project, User, Visit
from app.permissions import (
    can_edit_activity,
    can_log_on_activity,
    can_see_history,
    lead_filter,
    project_filter,
    visit_filter,
)

OWNER = "activity"
# The page of the plan an activity realises (the plans' pages are their own
# module); without it the plan shows as text.
PLAN_ENDPOINT = "activities.plan_detail"


@dataclass
class CreditedProject:
    project: Project
    signed_on: Any
    signed_amount: Decimal | None


def activity_visits(activity: Activity, user: User) -> list[Visit]:
    """The activity's live visits `user` may see, newest first."""
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.activity_id == activity.id, Visit.archived_at.is_(None), visit_filter(user))
            .options(
                joinedload(Visit.lead).joinedload(Lead.company),
                joinedload(Visit.project).joinedload(Project.company),
                joinedload(Visit.kind),
                joinedload(Visit.created_by),
                selectinload(Visit.participants),
            )
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
        ).unique()
    )


def activity_leads(activity: Activity, user: User) -> list[Lead]:
    """The live leads collected at the activity that `user` may see."""
    return list(
        db.session.scalars(
            sa.select(Lead)
            .where(Lead.activity_id == activity.id, Lead.archived_at.is_(None), lead_filter(user))
            .options(joinedload(Lead.company), joinedload(Lead.owner_department))
            .order_by(Lead.received_on.desc(), Lead.id.desc())
        )
    )


def credited_projects(activity: Activity, user: User) -> list[CreditedProject]:
    """The live projects credited to the activity that `user` may see, with
    their signing (the counting rule) — signed ones first."""
    signed = signed_projects([activity.id])
    rows = db.session.execute(
        sa.select(Project, signed.c.first_signed_on, signed.c.signed_amount)
        .outerjoin(signed, signed.c.project_id == Project.id)
        .where(Project.activity_id == activity.id, Project.archived_at.is_(None), project_filter(user))
        .options(joinedload(Project.company))
        .order_by(sa.nulls_last(signed.c.first_signed_on.desc()), Project.name, Project.id)
    ).all()
    return [CreditedProject(project, on, amount) for project, on, amount in rows]


def plan_url(activity: Activity) -> str | None:
    if activity.plan_id is None:
        return None
    return url_for(PLAN_ENDPOINT, plan_id=activity.plan_id)


def detail_context(activity: Activity, user: User, **forms: Any) -> dict[str, Any]:
    """Everything the page shows; `forms` replaces a form shown with errors."""
    may_edit = can_edit_activity(user, activity)
    live = activity.archived_at is None
    visits = activity_visits(activity, user)
    leads = activity_leads(activity, user)
    projects = credited_projects(activity, user)
    outcome = outcomes_for([activity.id])[activity.id]
    return {
        "activity": activity,
        "outcome": outcome,
        "visits": visits,
        "leads": leads,
        "projects": projects,
        # The numbers count every record; the lists show those the viewer may see.
        "partial": len(visits) < outcome.visits
        or len(leads) < outcome.leads
        or sum(1 for p in projects if p.signed_on) < outcome.signed,
        "files": attachments.for_owners(OWNER, [activity.id])[activity.id],
        "plan_url": plan_url(activity),
        "can": {
            "edit": may_edit and live,
            "archive": may_edit and live,
            "files": may_edit and live,
            "log": can_log_on_activity(user, activity),
            "see_history": can_see_history(user),
        },
        "archive_form": ArchiveForm(formdata=None, version=activity.version),
        "upload_form": forms.get("upload_form") or UploadForm(formdata=None),
        "confirm_form": ConfirmForm(formdata=None),
        "accept": attachments.ACCEPT,
        "max_bytes": current_app.config["ATTACHMENT_MAX_BYTES"],
    }
