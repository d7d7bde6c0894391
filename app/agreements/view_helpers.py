"""What the 签约履约 views share: the area's Jinja filters (到位率, file
sizes), the 413 page for an oversized upload, loading an agreement's
attachment with its permission check, and the agreement form's event list
and rendering."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app import attachments
from app.agreements import bp, services
from app.agreements.forms import NEW_EVENT, AgreementForm
from app.agreements.funding import fmt_rate, funding_rate
from app.db import db
from app.errors import render_error
from app.models import Agreement, Project, SigningEvent
from app.permissions import get_visible_or_404

# --- Jinja filters of the agreements area ----------------------------------------


bp.add_app_template_filter(fmt_rate, "rate")
bp.add_app_template_filter(attachments.human_size, "filesize")
bp.add_app_template_global(funding_rate, "funding_rate")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: Exception):
    """A body over MAX_CONTENT_LENGTH never reaches the view: say what the
    limits are, and that nothing was saved."""
    db.session.rollback()
    return render_error(
        413,
        _(
            "上传的文件过大，未保存任何内容。单个附件不能超过 %(file)s，一次提交不能超过 %(body)s；"
            "请压缩或拆分扫描件后重新上传。",
            file=attachments.human_size(current_app.config["ATTACHMENT_MAX_BYTES"]),
            body=attachments.human_size(current_app.config["MAX_CONTENT_LENGTH"]),
        ),
    )


# --- loading ---------------------------------------------------------------------


def agreement_file_or_404(attachment_id: int):
    attachment = attachments.get_live(attachment_id, "agreement")
    if attachment is None:
        abort(404)
    agreement = get_visible_or_404(Agreement, attachment.owner_id)
    return attachment, agreement


def event_choices(include_id: int | None = None) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(SigningEvent.id, SigningEvent.name, SigningEvent.held_on)
        .order_by(SigningEvent.held_on.desc(), SigningEvent.id.desc())
        .limit(300)
    ).all()
    choices = [("", _("— 非签约活动 —")), (NEW_EVENT, _("＋ 新建签约活动"))]
    choices += [(str(r.id), f"{r.held_on.isoformat()} {r.name}") for r in rows]
    if include_id is not None and str(include_id) not in {c[0] for c in choices}:
        event = db.session.get(SigningEvent, include_id)
        if event is not None:
            choices.append((str(event.id), f"{event.held_on.isoformat()} {event.name}"))
    return choices


def render_agreement_form(form: AgreementForm, project: Project, agreement: Agreement | None) -> str:
    return render_template(
        "agreements/form.html",
        form=form,
        project=project,
        agreement=agreement,
        attachment_limit=attachments.human_size(current_app.config["ATTACHMENT_MAX_BYTES"]),
        attachment_max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"],
    )


def event_id_from(form: AgreementForm) -> int | None:
    """The chosen event, creating a new one when asked (same transaction)."""
    choice = form.signing_event.data or ""
    if choice == NEW_EVENT:
        try:
            return services.create_event(form.new_event_data(), current_user).id
        except services.AgreementError as exc:
            target = {"name": "new_event_name", "held_on": "new_event_held_on"}.get(exc.field or "")
            raise services.AgreementError(str(exc), target) from exc
    return int(choice) if choice else None
