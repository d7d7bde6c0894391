"""签约履约 pages: the fulfilment list (履约跟踪) and its export, signing
events, agreements on a project (record, edit, archive, attachments) and
funds received. Thin views: load with the permission check (404 for what
one may not see, 403 for what one may see but not change), call a service,
commit, flash, redirect."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from app import attachments, xlsx
from app.agreements import bp, fulfilment, services
from app.agreements.forms import (
    NEW_EVENT,
    AgreementForm,
    ArchiveForm,
    ConfirmForm,
    EventForm,
    FundingForm,
    UploadForm,
)
from app.agreements.funding import (
    FundingError,
    delete_funding,
    fmt_rate,
    funding_rate,
    fundings_of,
    record_funding,
)
from app.agreements.project_panel import build_panel
from app.concurrency import StaleEditError
from app.db import db
from app.errors import render_error
from app.lookups import department_choices
from app.models import Agreement, Funding, Project, Role, SigningEvent
from app.pagination import page_args, paginate
from app.permissions import can_edit_project, can_view_project, get_visible_or_404, project_filter, require

# --- template helpers for the project page -------------------------------------


@bp.app_template_global("agreement_panel")
def agreement_panel(project: Project) -> Any:
    """Everything `agreements/_project_panel.html` shows for `project`."""
    return build_panel(project)


bp.add_app_template_filter(fmt_rate, "rate")
bp.add_app_template_filter(attachments.human_size, "filesize")
bp.add_app_template_global(funding_rate, "funding_rate")


@bp.app_template_global("project_page_url")
def project_page_url(project: Project) -> str:
    """The project's own page when the projects area has one, else ours."""
    if "projects.detail" in current_app.view_functions:
        return url_for("projects.detail", project_id=project.id)
    return url_for("agreements.project", project_id=project.id)


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


# --- loaders -------------------------------------------------------------------


def _project(project_id: int) -> Project:
    return get_visible_or_404(Project, project_id, can_view_project)


def _may_see_agreement(user: Any, agreement: Agreement) -> bool:
    project = agreement.project
    if project.archived_at is not None and user.role is not Role.ADMIN:
        return False
    return can_view_project(user, project)


def _agreement(agreement_id: int) -> Agreement:
    return get_visible_or_404(Agreement, agreement_id, _may_see_agreement)


def _agreement_file(attachment_id: int):
    attachment = attachments.get_live(attachment_id, "agreement")
    if attachment is None:
        abort(404)
    agreement = _agreement(attachment.owner_id)
    return attachment, agreement


def _event_choices(include_id: int | None = None) -> list[tuple[str, str]]:
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


def _apply_error(form: Any, exc: Exception) -> None:
    field = getattr(exc, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, str(exc)]
    else:
        flash(str(exc), "danger")


def _render_form(form: AgreementForm, project: Project, agreement: Agreement | None) -> str:
    return render_template(
        "agreements/form.html",
        form=form,
        project=project,
        agreement=agreement,
        attachment_limit=attachments.human_size(current_app.config["ATTACHMENT_MAX_BYTES"]),
        attachment_max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"],
    )


def _event_id_from(form: AgreementForm) -> int | None:
    """The chosen event, creating a new one when asked (same transaction)."""
    choice = form.signing_event.data or ""
    if choice == NEW_EVENT:
        try:
            return services.create_event(form.new_event_data(), current_user).id
        except services.AgreementError as exc:
            target = {"name": "new_event_name", "held_on": "new_event_held_on"}.get(exc.field or "")
            raise services.AgreementError(str(exc), target) from exc
    return int(choice) if choice else None


# --- fulfilment list -------------------------------------------------------------


def _filters() -> fulfilment.FulfilmentFilters:
    def as_id(name: str) -> int | None:
        try:
            return int(request.args.get(name) or 0) or None
        except ValueError:
            return None

    return fulfilment.FulfilmentFilters(
        department_id=as_id("department"),
        event_id=as_id("event"),
        overdue_only=request.args.get("overdue") == "1",
        q=(request.args.get("q") or "").strip()[:50],
    )


@bp.route("/")
@login_required
def index():
    filters = _filters()
    today = dt.date.today()
    page = paginate(fulfilment.fulfilment_query(current_user, filters, today), *page_args(), scalars=False)
    return render_template(
        "agreements/index.html",
        page=page,
        rows=fulfilment.to_rows(page.items, today),
        filters=filters,
        departments=department_choices(blank=None),
        events=_event_choices()[2:],
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
        .outerjoin(Agreement, sa.and_(Agreement.signing_event_id == SigningEvent.id, Agreement.archived_at.is_(None)))
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
        try:
            event = services.create_event(form.data, current_user)
        except services.AgreementError as exc:
            db.session.rollback()
            _apply_error(form, exc)
        else:
            db.session.commit()
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
        try:
            services.update_event(event, form.data, current_user)
        except services.AgreementError as exc:
            db.session.rollback()
            _apply_error(form, exc)
        else:
            db.session.commit()
            flash(_("已保存签约活动。"), "success")
            return redirect(url_for("agreements.events") + f"#event-{event.id}")
    return render_template("agreements/event_form.html", form=form, event=event)


# --- agreements on a project ---------------------------------------------------------


@bp.route("/project/<int:project_id>")
@login_required
def project(project_id: int):
    return render_template("agreements/project.html", project=_project(project_id))


@bp.route("/project/<int:project_id>/new", methods=["GET", "POST"])
@login_required
def agreement_new(project_id: int):
    project = _project(project_id)
    require(can_edit_project(current_user, project))
    form = AgreementForm()
    form.signing_event.choices = _event_choices()
    if request.method == "GET":
        form.signed_on.data = dt.date.today()
        if project.agreements:
            form.kind.data = "investment"
    if form.validate_on_submit():
        try:
            event_id = _event_id_from(form)
            agreement = services.record_agreement(project, form.agreement_data(event_id), current_user)
            if form.file.data and form.file.data.filename:
                attachments.store("agreement", agreement.id, form.file.data, current_user)
        except attachments.AttachmentError as exc:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(exc)]
        except services.AgreementError as exc:
            db.session.rollback()
            _apply_error(form, exc)
        else:
            db.session.commit()
            flash(_("已录入%(kind)s。", kind=agreement.kind.label), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return _render_form(form, project, None)


@bp.route("/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    agreement = _agreement(agreement_id)
    files = attachments.for_owners("agreement", [agreement.id])[agreement.id]
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        project=agreement.project,
        files=files,
        can_edit=can_edit_project(current_user, agreement.project),
        upload_form=UploadForm(),
        archive_form=ArchiveForm(),
        confirm_form=ConfirmForm(),
        accept=attachments.ACCEPT,
        max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"],
    )


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int):
    agreement = _agreement(agreement_id)
    project = agreement.project
    require(can_edit_project(current_user, project) and agreement.archived_at is None)
    form = AgreementForm(obj=agreement)
    form.signing_event.choices = _event_choices(agreement.signing_event_id)
    if request.method == "GET":
        form.kind.data = agreement.kind.value
        form.signing_event.data = str(agreement.signing_event_id or "")
        form.version.data = str(agreement.version)
    if form.validate_on_submit():
        try:
            event_id = _event_id_from(form)
            services.update_agreement(agreement, form.agreement_data(event_id), current_user, form.version.data)
            db.session.commit()
        except StaleEditError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            form.version.data = str(agreement.version)
        except StaleDataError:
            db.session.rollback()
            flash(_("该记录刚被他人修改，您的修改尚未保存。请核对最新内容后重新提交。"), "danger")
            form.version.data = str(agreement.version)
        except services.AgreementError as exc:
            db.session.rollback()
            _apply_error(form, exc)
        else:
            flash(_("已保存协议。"), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return _render_form(form, project, agreement)


@bp.route("/<int:agreement_id>/archive", methods=["POST"])
@login_required
def archive(agreement_id: int):
    agreement = _agreement(agreement_id)
    require(can_edit_project(current_user, agreement.project))
    form = ArchiveForm()
    if not form.validate_on_submit():
        flash(_("归档须填写原因。"), "danger")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    try:
        services.archive_agreement(agreement, current_user, form.reason.data)
    except services.AgreementError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    db.session.commit()
    flash(_("协议已归档，不再计入签约统计；项目阶段未作改变。管理员可恢复。"), "success")
    return redirect(project_page_url(agreement.project))


@bp.route("/<int:agreement_id>/restore", methods=["POST"])
@login_required
def restore(agreement_id: int):
    require(current_user.role is Role.ADMIN)
    agreement = _agreement(agreement_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.restore_agreement(agreement, current_user)
        except services.AgreementError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("协议已恢复。"), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


# --- attachments -----------------------------------------------------------------------


@bp.route("/<int:agreement_id>/attachments", methods=["POST"])
@login_required
def upload(agreement_id: int):
    agreement = _agreement(agreement_id)
    require(can_edit_project(current_user, agreement.project) and agreement.archived_at is None)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请刷新后重新上传。"), "danger")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    try:
        attachment = attachments.store("agreement", agreement.id, form.file.data, current_user)
    except attachments.AttachmentError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("已上传 %(name)s。", name=attachment.filename), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


@bp.route("/files/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment, _agreement_row = _agreement_file(attachment_id)
    response = attachments.download_response(attachment)
    if response is None:
        return render_error(404, _("附件文件已丢失，请联系管理员。"))
    return response


@bp.route("/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_file(attachment_id: int):
    attachment, agreement = _agreement_file(attachment_id)
    require(can_edit_project(current_user, agreement.project))
    if ConfirmForm().validate_on_submit():
        attachments.soft_delete(attachment, current_user)
        db.session.commit()
        flash(_("已删除附件 %(name)s（保留操作记录）。", name=attachment.filename), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


# --- funds received -----------------------------------------------------------------------


@bp.route("/project/<int:project_id>/funding", methods=["GET", "POST"])
@login_required
def funding(project_id: int):
    project = _project(project_id)
    may_edit = can_edit_project(current_user, project)
    form = FundingForm()
    if request.method == "POST":
        require(may_edit)
        if form.validate_on_submit():
            try:
                _row, created = record_funding(project, form.month.data, form.amount.data, current_user, form.note.data)
                db.session.commit()
            except FundingError as exc:
                db.session.rollback()
                _apply_error(form, exc)
            except IntegrityError:
                db.session.rollback()
                flash(_("该月份刚被他人录入，请核对后重新提交。"), "danger")
            else:
                month = form.month.data.strftime("%Y-%m")
                flash(
                    _("已录入 %(month)s 到位资金。", month=month)
                    if created
                    else _("已更新 %(month)s 到位资金。", month=month),
                    "success",
                )
                return redirect(url_for("agreements.funding", project_id=project.id))
    elif request.args.get("month"):
        wanted = next((r for r in fundings_of(project.id) if r.month.strftime("%Y-%m") == request.args["month"]), None)
        if wanted is not None:
            form.month.data, form.amount.data, form.note.data = wanted.month, wanted.amount, wanted.note
    return render_template(
        "agreements/funding.html",
        project=project,
        form=form,
        may_edit=may_edit,
        confirm_form=ConfirmForm(),
        this_month=dt.date.today().strftime("%Y-%m"),
        panel=build_panel(project),
    )


@bp.route("/funding/<int:funding_id>/delete", methods=["POST"])
@login_required
def funding_delete(funding_id: int):
    row = db.session.get(Funding, funding_id) or abort(404)
    project = _project(row.project_id)
    require(can_edit_project(current_user, project))
    if ConfirmForm().validate_on_submit():
        month = row.month.strftime("%Y-%m")
        delete_funding(row, current_user)
        db.session.commit()
        flash(_("已删除 %(month)s 的到位资金记录。", month=month), "success")
    return redirect(url_for("agreements.funding", project_id=project.id))
