"""Admin pages: the overview and user accounts. Thin views: parse the form,
load, one `attempt(...)` of the service, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, queries, services
from app.admin.forms import ResetPasswordForm, UserForm
from app.auth.services import clear_rate_limit, failed_since
from app.db import db
from app.lookups import department_choices
from app.models import RefKind, Role, User
from app.pagination import page_args, paginate
from app.params import Params
from app.permissions import admin_required
from app.views import attempt


@bp.route("/")
@admin_required
def index():
    return render_template("admin/index.html", counts=queries.counts(), kinds=list(RefKind))


@bp.route("/users")
@admin_required
def users():
    params = Params(request.args)
    q = params.text("q", 50)
    role = params.enum("role", _("角色"), Role)
    params.flash_errors()
    page = paginate(queries.users_query(q, role), *page_args())
    options = [(r.value, r.label) for r in Role]
    return render_template("admin/users.html", page=page, q=q, role=role, role_options=options)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserForm()
    form.department_id.choices = department_choices()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_user(form.data, form.password.data or ""), form)
        if outcome:
            flash(_("已创建用户 %(name)s。", name=outcome.value.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = _get_user(user_id)
    form = UserForm(obj=user)
    form.already_admin = user.role is Role.ADMIN
    form.department_id.choices = department_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.scope.data = user.scope.value
    if form.validate_on_submit() and attempt(lambda: services.update_user(user, form.data, current_user), form):
        flash(_("已保存用户 %(name)s。", name=user.username), "success")
        return redirect(url_for("admin.users"))
    failures = failed_since(user.username.lower(), user.last_login_at)
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=ResetPasswordForm(), failures=failures
    )


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def user_active(user_id: int):
    user = _get_user(user_id)
    active = request.form.get("active") == "1"
    if attempt(lambda: services.set_active(user, active, current_user)):
        name = user.username
        flash(_("已启用 %(name)s。", name=name) if active else _("已停用 %(name)s。", name=name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@admin_required
def user_unlock(user_id: int):
    """Forget the account's failed sign-ins (the limits start afresh)."""
    user = _get_user(user_id)
    outcome = attempt(lambda: clear_rate_limit(user))
    if outcome:
        flash(_("已清除 %(name)s 的 %(n)d 条登录失败记录。", name=user.username, n=outcome.value), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def user_password(user_id: int):
    user = _get_user(user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        flash(_("请输入新密码。"), "danger")
    elif attempt(lambda: services.reset_password(user, form.password.data)):
        flash(_("已重置 %(name)s 的密码，其现有登录已全部失效。", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))
