"""Admin pages: departments and reference lists (来源, 产业, 企业类型 …)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin import bp, queries, services
from app.admin.forms import DepartmentForm, RefItemForm
from app.db import db
from app.lookups import department_choices
from app.models import Department, RefItem, RefKind
from app.permissions import admin_required
from app.views import attempt


@bp.route("/departments")
@admin_required
def departments():
    return render_template("admin/departments.html", rows=queries.department_rows())


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
    department = None if department_id is None else db.get_or_404(Department, department_id)
    form = _department_form(department)
    if form.validate_on_submit() and attempt(lambda: services.save_department(department, form.data), form):
        flash(_("已保存部门 %(name)s。", name=form.name.data), "success")
        return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, department=department)


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
    if form.validate_on_submit() and attempt(lambda: services.save_ref_item(None, ref_kind, form.data), form):
        flash(_("已添加「%(name)s」。", name=form.name.data), "success")
        return redirect(url_for("admin.ref_list", kind=kind))
    items = queries.ref_items(ref_kind)
    return render_template("admin/ref_list.html", kind=ref_kind, items=items, form=form, kinds=list(RefKind))


@bp.route("/lists/<kind>/<int:item_id>", methods=["GET", "POST"])
@admin_required
def ref_edit(kind: str, item_id: int):
    ref_kind = _kind_or_404(kind)
    item = db.session.get(RefItem, item_id)
    if item is None or item.kind is not ref_kind:
        abort(404)
    form = RefItemForm(obj=item)
    if form.validate_on_submit() and attempt(lambda: services.save_ref_item(item, ref_kind, form.data), form):
        flash(_("已保存「%(name)s」。", name=item.name), "success")
        return redirect(url_for("admin.ref_list", kind=kind))
    return render_template("admin/ref_form.html", kind=ref_kind, item=item, form=form)
