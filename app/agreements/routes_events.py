"""Signing events (签约活动): the list with each event's agreements and
counted amount, creating and editing an event."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.agreements import bp, queries, services
from app.agreements.forms import EventForm
from app.lookups import department_choices
from app.models import SigningEvent
from app.pagination import page_args, paginate
from app.params import Params
from app.permissions import can_manage_signing_event, get_editable_or_403, require
from app.views import attempt

# --- signing events ----------------------------------------------------------------


@bp.route("/events")
@login_required
def events():
    params = Params(request.args)
    year = params.year("year", _("年份"))
    params.flash_errors()
    page = paginate(queries.events_statement(year), *page_args(default_per_page=10), scalars=False)
    return render_template(
        "agreements/events.html",
        page=page,
        visible=queries.visible_agreements([row[0].id for row in page.items], current_user),
        year=year,
        years=queries.event_years(),
        may_create=can_manage_signing_event(current_user),
        manageable={row[0].id for row in page.items if can_manage_signing_event(current_user, row[0])},
    )


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def event_new():
    require(can_manage_signing_event(current_user))
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
    event = get_editable_or_403(SigningEvent, event_id)
    form = EventForm(obj=event)
    form.organizer_department_id.choices = department_choices()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.update_event(event, form.data, current_user), form)
        if outcome:
            flash(_("已保存签约活动。"), "success")
            return redirect(url_for("agreements.events") + f"#event-{event.id}")
    return render_template("agreements/event_form.html", form=form, event=event)
