"""Signing events (签约活动): the list with each event's agreements and
counted amount, creating and editing an event."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import contains_eager

from app.agreements import bp, services
from app.agreements.forms import EventForm
from app.db import db
from app.lookups import department_choices
from app.models import Agreement, Project, SigningEvent
from app.pagination import page_args, paginate
from app.permissions import project_filter, require
from app.views import attempt

# --- signing events ----------------------------------------------------------------


@bp.route("/events")
@login_required
def events():
    counted = services.counted_amount_expression()
    stmt = (
        sa.select(
            SigningEvent,
            sa.func.count(Agreement.id).label("agreement_count"),
            sa.func.coalesce(sa.func.sum(counted), 0).label("total"),
        )
        .outerjoin(
            Agreement,
            sa.and_(
                Agreement.signing_event_id == SigningEvent.id,
                Agreement.archived_at.is_(None),
                Agreement.project_id.in_(sa.select(Project.id).where(Project.archived_at.is_(None))),
            ),
        )
        .group_by(SigningEvent.id)
        .order_by(SigningEvent.held_on.desc(), SigningEvent.id.desc())
    )
    year = request.args.get("year", type=int)
    if year:
        stmt = stmt.where(SigningEvent.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    page = paginate(stmt, *page_args(default_per_page=10), scalars=False)

    # The agreements of the events on this page that the user may see: one query.
    ids = [row[0].id for row in page.items]
    visible: dict[int, list[Agreement]] = {event_id: [] for event_id in ids}
    if ids:
        for agreement in db.session.scalars(
            sa.select(Agreement)
            .join(Agreement.project)
            .options(contains_eager(Agreement.project).joinedload(Project.lead_department))
            .where(
                Agreement.signing_event_id.in_(ids),
                Agreement.archived_at.is_(None),
                Project.archived_at.is_(None),
                project_filter(current_user),
            )
            .order_by(Agreement.signed_on, Agreement.id)
        ):
            visible[agreement.signing_event_id].append(agreement)
    year_of = sa.extract("year", SigningEvent.held_on)
    years = db.session.scalars(sa.select(year_of).distinct().order_by(year_of.desc())).all()
    return render_template(
        "agreements/events.html",
        page=page,
        visible=visible,
        year=year,
        years=[int(y) for y in years if y is not None],
        may_create=services.can_manage_event(current_user),
        can_manage_event=services.can_manage_event,
    )


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def event_new():
    require(services.can_manage_event(current_user))
    form = EventForm()
    form.organizer_department_id.choices = department_choices()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_event(form.data, current_user), form)
        if outcome:
            event = outcome.value
            flash(_("已创建签约活动「%(name)s」。", name=event.name), "success")
            return redirect(url_for("agreements.events") + f"#event-{event.id}")
    return render_template("agreements/event_form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def event_edit(event_id: int):
    event = db.session.get(SigningEvent, event_id) or abort(404)
    require(services.can_manage_event(current_user, event))
    form = EventForm(obj=event)
    form.organizer_department_id.choices = department_choices()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.update_event(event, form.data, current_user), form)
        if outcome:
            flash(_("已保存签约活动。"), "success")
            return redirect(url_for("agreements.events") + f"#event-{event.id}")
    return render_template("agreements/event_form.html", form=form, event=event)
