"""Admin pages: users, departments, reference lists. Thin views: parse the
form, call the service, commit, flash, redirect."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import archive
from app.admin import bp, services
from app.admin.forms import AuditFilterForm, DepartmentForm, RefItemForm, ResetPasswordForm, UserForm
from app.db import db
from app.lookups import department_choices, user_choices
from app.models import AuditLog, Department, RefItem, RefKind, Role, User
from app.pagination import page_args, paginate
from app.permissions import admin_required, get_visible_or_404
from app.views import attempt


@bp.route("/")
@admin_required
def index():
    counts = {
        "users": db.session.scalar(sa.select(sa.func.count(User.id))),
        "departments": db.session.scalar(sa.select(sa.func.count(Department.id))),
    }
    return render_template("admin/index.html", counts=counts, kinds=list(RefKind))


# --- users -------------------------------------------------------------------


@bp.route("/users")
@admin_required
def users():
    stmt = sa.select(User).options(sa.orm.joinedload(User.department)).order_by(User.role, User.username)
    q = (request.args.get("q") or "").replace("\x00", "").strip()[:50]
    if q:
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), User.name.ilike(like)))
    role = request.args.get("role")
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    page = paginate(stmt, *page_args())
    return render_template("admin/users.html", page=page, q=q, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserForm()
    form.department_id.choices = department_choices()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_user(form.data, form.password.data or ""), form)
        if outcome:
            user = outcome.value
            flash(_("已创建用户 %(name)s。", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = get_visible_or_404(User, user_id)
    form = UserForm(obj=user)
    form.department_id.choices = department_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.scope.data = user.scope.value
    if form.validate_on_submit():
        outcome = attempt(lambda: services.update_user(user, form.data, current_user), form)
        if outcome:
            flash(_("已保存用户 %(name)s。", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=ResetPasswordForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def user_active(user_id: int):
    user = get_visible_or_404(User, user_id)
    active = request.form.get("active") == "1"
    outcome = attempt(lambda: services.set_active(user, active, current_user))
    if outcome:
        flash(
            _("已启用 %(name)s。", name=user.username) if active else _("已停用 %(name)s。", name=user.username),
            "success",
        )
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def user_password(user_id: int):
    user = get_visible_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.reset_password(user, form.password.data))
        if outcome:
            flash(_("已重置 %(name)s 的密码，其现有登录已全部失效。", name=user.username), "success")
    else:
        flash(_("请输入新密码。"), "danger")
    return redirect(url_for("admin.user_edit", user_id=user.id))


# --- departments -------------------------------------------------------------


@bp.route("/departments")
@admin_required
def departments():
    parent = sa.orm.aliased(Department)
    member_count = (
        sa.select(sa.func.count(User.id))
        .where(User.department_id == Department.id)
        .correlate(Department)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Department, parent.name.label("parent_name"), member_count.label("members"))
        .outerjoin(parent, Department.parent_id == parent.id)
        .order_by(Department.sort_order, Department.id)
    ).all()
    return render_template("admin/departments.html", rows=rows)


def _department_form(department: Department | None) -> DepartmentForm:
    form = DepartmentForm(obj=department)
    form.parent_id.choices = [c for c in department_choices() if department is None or c[0] != department.id]
    if request.method == "GET" and department is not None:
        form.kind.data = department.kind.value
    return form


@bp.route("/departments/new", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@admin_required
def department_edit(department_id: int | None = None):
    department = None
    if department_id is not None:
        department = db.session.get(Department, department_id)
        if department is None:
            abort(404)
    form = _department_form(department)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.save_department(department, form.data), form)
        if outcome:
            flash(_("已保存部门 %(name)s。", name=form.name.data), "success")
            return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, department=department)


# --- reference lists ---------------------------------------------------------


def _kind_or_404(kind: str) -> RefKind:
    try:
        return RefKind(kind)
    except ValueError:
        abort(404)


@bp.route("/lists/<kind>", methods=["GET", "POST"])
@admin_required
def ref_list(kind: str):
    ref_kind = _kind_or_404(kind)
    form = RefItemForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.save_ref_item(None, ref_kind, form.data), form)
        if outcome:
            flash(_("已添加「%(name)s」。", name=form.name.data), "success")
            return redirect(url_for("admin.ref_list", kind=kind))
    items = db.session.scalars(
        sa.select(RefItem).where(RefItem.kind == ref_kind).order_by(RefItem.sort_order, RefItem.id)
    ).all()
    return render_template("admin/ref_list.html", kind=ref_kind, items=items, form=form, kinds=list(RefKind))


@bp.route("/lists/<kind>/<int:item_id>", methods=["GET", "POST"])
@admin_required
def ref_edit(kind: str, item_id: int):
    ref_kind = _kind_or_404(kind)
    item = db.session.get(RefItem, item_id)
    if item is None or item.kind is not ref_kind:
        abort(404)
    form = RefItemForm(obj=item)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.save_ref_item(item, ref_kind, form.data), form)
        if outcome:
            flash(_("已保存「%(name)s」。", name=item.name), "success")
            return redirect(url_for("admin.ref_list", kind=kind))
    return render_template("admin/ref_form.html", kind=ref_kind, item=item, form=form)


# --- audit log ---------------------------------------------------------------


@bp.route("/audit")
@admin_required
def audit_log():
    """Browse the audit trail; read only (no route edits or deletes it)."""
    form = AuditFilterForm(request.args, meta={"csrf": False})
    form.user_id.choices = user_choices(blank=_("全部人员"))
    stmt = (
        sa.select(AuditLog).options(sa.orm.joinedload(AuditLog.user)).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    if form.validate():
        data = form.data
        if data["user_id"]:
            stmt = stmt.where(AuditLog.user_id == data["user_id"])
        if data["entity"]:
            stmt = stmt.where(AuditLog.entity == data["entity"])
        if data["entity_id"]:
            stmt = stmt.where(AuditLog.entity_id == data["entity_id"])
        if data["action"]:
            stmt = stmt.where(AuditLog.action == data["action"])
        if data["date_from"]:
            stmt = stmt.where(AuditLog.at >= datetime.combine(data["date_from"], time.min))
        if data["date_to"]:
            stmt = stmt.where(AuditLog.at < datetime.combine(data["date_to"] + timedelta(days=1), time.min))
    else:
        stmt = stmt.where(sa.false())
    page = paginate(stmt, *page_args(50))
    return render_template("admin/audit.html", page=page, form=form)


# --- archived records ---------------------------------------------------------


@bp.route("/archive")
@admin_required
def archived():
    entity = request.args.get("entity", "lead")
    if entity not in archive.KINDS:
        abort(404)
    page = paginate(archive.archived_page_query(entity), *page_args())
    return render_template("admin/archive.html", page=page, entity=entity, kinds=archive.KINDS)


@bp.route("/archive/<entity>/<int:record_id>/restore", methods=["POST"])
@admin_required
def restore(entity: str, record_id: int):
    if entity not in archive.KINDS:
        abort(404)
    kind = archive.KINDS[entity]
    record = db.session.get(kind.model, record_id)
    if record is None:
        abort(404)
    outcome = attempt(lambda: archive.restore(entity, record, current_user))
    if outcome:
        flash(_("已恢复「%(title)s」。", title=kind.title(record)), "success")
    return redirect(url_for("admin.archived", entity=entity))
