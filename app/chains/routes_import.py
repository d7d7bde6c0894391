"""Import a 招商图谱 (.xlsx): segments and target companies of the chains the
importer may edit, all or nothing (`app/chains/imports.py`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.chains import bp
from app.chains.forms import ImportForm
from app.chains.imports import import_chain_sheet
from app.chains.services import ChainError
from app.imports.sheets import SheetError
from app.models import Role
from app.permissions import role_required
from app.views import attempt


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.STAFF, Role.LEADER)
def import_sheet():
    form = ImportForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors.append(_("请选择要导入的 .xlsx 文件。"))
        else:
            data = upload.read()

            def run():
                try:
                    return import_chain_sheet(data, current_user)
                except SheetError as exc:
                    raise ChainError(exc.message, "file") from None

            outcome = attempt(run, form)
            if outcome:
                result = outcome.value
                flash(
                    _(
                        "已导入 %(rows)d 行：新增环节 %(segments)d 个、目标企业 %(targets)d 家"
                        "（已有的 %(skipped)d 家未重复添加）。",
                        rows=result.rows,
                        segments=result.segments,
                        targets=result.targets,
                        skipped=result.skipped,
                    ),
                    "success",
                )
                return redirect(url_for("chains.targets"))
    status = 422 if request.method == "POST" else 200
    return render_template("chains/import.html", form=form), status
