"""Admin: the channels (企业微信/钉钉 robots, webhooks, e-mail; per department
or per person) and the deliveries the worker gave up on."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.db import db
from app.models import NotifyChannel, OutboxMessage, OutboxStatus
from app.notifications import bp, queries, services
from app.notifications.forms import channel_form
from app.pagination import page_args
from app.permissions import admin_required
from app.views import attempt


@bp.route("/admin/channels")
@admin_required
def channels():
    return render_template(
        "notifications/channels.html", page=queries.channels(*page_args()), counts=queries.outbox_counts()
    )


def _edit(channel: NotifyChannel | None):
    form = channel_form(channel)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.save_channel(channel, form.data, current_user), form)
        if outcome:
            flash(_("推送渠道已保存。"), "success")
            return redirect(url_for("notifications.channels"))
    return render_template("notifications/channel_form.html", form=form, channel=channel)


@bp.route("/admin/channels/new", methods=["GET", "POST"])
@admin_required
def channel_new():
    return _edit(None)


@bp.route("/admin/channels/<int:channel_id>", methods=["GET", "POST"])
@admin_required
def channel_edit(channel_id: int):
    channel = db.get_or_404(NotifyChannel, channel_id)
    return _edit(channel)


@bp.route("/admin/channels/<int:channel_id>/test", methods=["POST"])
@admin_required
def channel_test(channel_id: int):
    channel = db.get_or_404(NotifyChannel, channel_id)
    if attempt(lambda: services.send_test(channel, current_user)):
        flash(_("测试消息已加入发送队列，稍后由后台发送进程发出。"), "success")
    return redirect(url_for("notifications.channels"))


@bp.route("/admin/failed")
@admin_required
def failed():
    return render_template(
        "notifications/failed.html", page=queries.failed_messages(*page_args()), counts=queries.outbox_counts()
    )


@bp.route("/admin/failed/<int:message_id>/retry", methods=["POST"])
@admin_required
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.status is OutboxStatus.FAILED and attempt(lambda: services.retry_message(message, current_user)):
        flash(_("已重新加入发送队列。"), "success")
    return redirect(url_for("notifications.failed"))
