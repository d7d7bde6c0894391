"""The signed-in person's own 消息: the bell (an htmx fragment, so no page
pays for it), the inbox, opening one (access to its record checked again
now), marking read, and muting kinds."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.db import db
from app.models import Notification
from app.notifications import bp, queries, services
from app.notify import kinds
from app.notify.links import RECORDS, path_of
from app.pagination import page_args
from app.params import Params
from app.permissions import can_manage_channels, can_view_record, get_visible_or_404
from app.views import attempt


@bp.route("/")
@login_required
def index():
    params = Params(request.args)
    filters = queries.InboxFilters.from_args(params)
    params.flash_errors()
    page, visible = queries.inbox(current_user, filters, *page_args())
    return render_template(
        "notifications/index.html",
        page=page,
        visible=visible,
        filters=filters,
        kind_options=[(code, str(k.label)) for code, k in kinds.KINDS.items()],
        label=kinds.label,
        may_manage=can_manage_channels(current_user),
    )


@bp.route("/bell")
@login_required
def bell():
    """The header's bell: loaded by htmx after the page, refreshed at most once a minute."""
    return render_template("notifications/_bell.html", unread=queries.unread_count(current_user))


@bp.route("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Mark read and go to the record — if the reader may still see it."""
    notification = get_visible_or_404(Notification, notification_id)
    attempt(lambda: services.mark_read(notification))
    spec = RECORDS.get(notification.record_kind or "")
    record = db.session.get(spec.model, notification.record_id) if spec and notification.record_id else None
    if record is None or not can_view_record(current_user, record):
        if spec is None and notification.kind == "conflict_opened":
            return redirect("/companies/conflicts")
        flash(_("该消息指向的记录已不存在或您已无权查看。"), "warning")
        return redirect(url_for("notifications.index"))
    return redirect(path_of(notification.record_kind, record))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    notification = get_visible_or_404(Notification, notification_id)
    attempt(lambda: services.mark_read(notification))
    return redirect(request.referrer or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    outcome = attempt(lambda: services.mark_all_read(current_user))
    if outcome:
        flash(_("已将 %(n)d 条消息标为已读。", n=outcome.value), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "POST":  # CSRF checked for every POST (app.extensions.csrf)
        outcome = attempt(lambda: services.set_mutes(current_user, request.form.getlist("muted")))
        if outcome:
            flash(_("消息设置已保存。"), "success")
            return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html", kinds=list(kinds.KINDS.values()), muted=queries.muted_kinds(current_user)
    )
