"""The import workflow shared by pages and API: store an upload, preview it,
commit it. Each step re-reads the stored file, so a commit validates again
against the database as it is at that moment. A preview lives
IMPORT_PREVIEW_HOURS (24 by default): older ones are purged on the next
upload and cannot be committed; a committed batch keeps its result, not the
file (unless IMPORT_KEEP_FILES)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app
from werkzeug.datastructures import FileStorage

from app.db import db, utcnow
from app.departments import save_department_alias
from app.imports import approvals as approval_import
from app.imports import investments as investment_import
from app.imports import leads as lead_import
from app.imports import projects as project_import
from app.imports.approvals_commit import commit as commit_approvals
from app.imports.commit import ImportRefusedError, commit_projects
from app.imports.investments_commit import commit as commit_investments
from app.imports.leads_commit import commit as commit_leads
from app.imports.rows import CellProblem, Preview
from app.imports.sheets import SheetError
from app.models import ImportBatch, Lead, Project, Role, User
from app.params import clean_text, parse_id
from app.permissions import department_ids_in_scope, lead_filter, project_filter
from app.refusals import Refusal

KINDS = {
    "projects": (project_import.preview, commit_projects),
    "leads": (lead_import.preview, commit_leads),
    "investments": (investment_import.preview, commit_investments),
    "approvals": (approval_import.preview, commit_approvals),
}
# What an upload form adds for a kind (the monthly ledger's month when its
# title does not say); kept with the stored file for the commit.
OPTIONS = {"investments": ("month",)}
# Kinds that check the importer's scope themselves: the monthly ledger
# matches projects the importer may report for (app/imports/investments.py),
# the approval ledger projects the importer sees (app/imports/approvals.py).
SELF_SCOPED = frozenset({"investments", "approvals"})
REASON_MAX = 500


class UploadError(Refusal):
    """An upload refused before parsing; `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message, status=status)


def read_upload(upload: FileStorage | None) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        raise UploadError("请选择要上传的 .xlsx 文件。")
    limit = current_app.config["IMPORT_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(f"文件超过 {limit // (1024 * 1024)} MB 上限，请拆分后导入。", 413)
    if not data:
        raise UploadError("上传的文件是空的。")
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:255] or "import.xlsx"
    return data, name


def upload_options(kind: str, form: Any) -> dict[str, str]:
    """The kind's settings from an upload form (or query string)."""
    return {name: clean_text(form.get(name), 20) for name in OPTIONS.get(kind, ()) if form.get(name)}


def batch_options(batch: ImportBatch) -> dict[str, str]:
    """The settings stored with a previewed upload."""
    return dict((batch.summary or {}).get("options") or {})


def preview_upload(
    kind: str, data: bytes, actor: User, options: dict[str, str] | None = None, *, notes: bool = True
) -> Preview:
    """Read and check the file against the database as it is; `notes`:
    the hints for the person (look-alike company names), which the commit,
    writing what was previewed, goes without."""
    parse, _commit = KINDS[kind]
    config = current_app.config
    preview = parse(
        data,
        max_rows=config["IMPORT_MAX_ROWS"],
        db_session=db.session,
        actor=actor,
        notes=notes,
        **(options or {}),
    )
    if kind not in SELF_SCOPED:
        _check_scope(preview, actor)
    return preview


def _check_scope(preview: Preview, actor: User) -> None:
    """Staff import only into departments of their data scope, and update
    only records they may change (the same rules as the forms)."""
    depts = department_ids_in_scope(actor)
    if depts is None:
        return
    label = "责任单位"
    for row in preview.rows:
        dept = row.data.get("lead_department_id") or row.data.get("owner_department_id") or actor.department_id
        if dept not in depts:
            preview.errors.append(CellProblem(row.row, label, "", "无权导入其他部门的数据。"))
    matched = [r for r in preview.rows if r.action in ("update", "unchanged") and r.existing_id]
    if matched:
        model, condition = (
            (Project, project_filter(actor)) if preview.kind == "projects" else (Lead, lead_filter(actor))
        )
        ids = [r.existing_id for r in matched]
        editable = set(db.session.scalars(sa.select(model.id).where(model.id.in_(ids), condition)))
        for row in matched:
            if row.existing_id not in editable:
                # Nothing of a record outside the importer's scope is shown:
                # not its values, not even that the row matches them.
                row.changes, row.updates, row.action = [], {}, "update"
                preview.errors.append(
                    CellProblem(
                        row.row, "项目名称", row.data.get("name", ""), "该项目已存在且不在您的数据范围内，无法更新。"
                    )
                )


def purge_expired() -> int:
    """Delete previews older than IMPORT_PREVIEW_HOURS (their files with
    them); returns how many. Run on every upload."""
    cutoff = utcnow() - timedelta(hours=current_app.config["IMPORT_PREVIEW_HOURS"])
    gone = db.session.execute(
        sa.delete(ImportBatch)
        .where(ImportBatch.status == "previewed", ImportBatch.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return gone.rowcount or 0


def store(
    kind: str, data: bytes, filename: str, actor: User, preview: Preview, options: dict[str, str] | None = None
) -> ImportBatch:
    purge_expired()
    batch = ImportBatch(
        kind=kind,
        filename=filename,
        content=data,
        uploaded_by_id=actor.id,
        rows=len(preview.rows),
        error_count=len(preview.errors),
        summary={"options": options} if options else None,  # until the commit stores what it did
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def upload(
    kind: str, file: FileStorage | None, actor: User, options: dict[str, str] | None = None
) -> tuple[Preview, ImportBatch]:
    """Read, preview and store an upload (the preview page's unit of work)."""
    data, filename = read_upload(file)
    preview = preview_upload(kind, data, actor, options)
    return preview, store(kind, data, filename, actor, preview, options)


def own_batch_or_404(batch_id: int, actor: User) -> ImportBatch:
    """A stored upload: the uploader's own (an admin's: any), else 404."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or (batch.uploaded_by_id != actor.id and actor.role is not Role.ADMIN):
        abort(404)
    return batch


def map_departments(batch: ImportBatch, pairs: list[tuple[str, str]], actor: User) -> tuple[Preview, int]:
    """Record (ledger name → department id) pairs as department aliases, then
    preview the stored file again; pairs left blank are skipped."""
    if batch.status != "previewed":
        raise ImportRefusedError("该文件已经导入或已过期，请重新上传后再对应部门。")
    saved = 0
    for name, department in pairs:
        if name.strip() and department.strip():
            save_department_alias(name.strip(), parse_id(department))
            saved += 1
    preview = preview_upload(batch.kind, batch.content, actor, batch_options(batch))
    batch.error_count = len(preview.errors)
    return preview, saved


# One key for every import commit: they run one at a time (PostgreSQL).
IMPORT_LOCK_KEY = 7_204_401


def claim(batch: ImportBatch) -> None:
    """Make this request the one that commits `batch`, or refuse.

    Import commits run one at a time — PostgreSQL: a transaction-level
    advisory lock; SQLite: the database's single writer, taken by the UPDATE
    below — so a commit re-checks the file against everything committed
    before it (two files naming the same new company find one company).
    The batch moves from 'previewed' to 'committing' in one conditional
    UPDATE: a second click, tab or colleague finds it taken. The whole
    commit is one transaction, so a failure puts it back to 'previewed'."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
    taken = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == "previewed")
        .values(status="committing")
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        status = db.session.scalar(sa.select(ImportBatch.status).where(ImportBatch.id == batch.id))
        if status == "committed":
            raise ImportRefusedError("该文件已经导入，请勿重复提交。")
        raise ImportRefusedError("该文件正在由另一个请求导入，请勿重复提交；稍后可在导入结果中查看。")


def iter_commit_batch(
    batch: ImportBatch, actor: User, counts: dict[str, Any], *, confirmed: bool = False, reason: str = ""
) -> Iterator[tuple[int, int]]:
    """Validate the stored file again and write it, yielding (done, total)
    as it goes; raises ImportRefusedError or SheetError. A file with changes
    to confirm (an amount ×10 …) is written only when `confirmed`; one that
    corrects locked records (a reviewed month) only with a `reason`. The
    caller commits the transaction once this is exhausted (or rolls back)."""
    options = batch_options(batch)
    claim(batch)
    if batch.created_at < utcnow() - timedelta(hours=current_app.config["IMPORT_PREVIEW_HOURS"]):
        hours = current_app.config["IMPORT_PREVIEW_HOURS"]
        raise ImportRefusedError(f"预览已超过 {hours} 小时，文件已过期，请重新上传。")
    preview = preview_upload(batch.kind, batch.content, actor, options, notes=False)
    if preview.to_confirm and not confirmed:
        rows = "、".join(str(r.row) for r in preview.to_confirm[:10])
        raise ImportRefusedError(
            f"第 {rows} 行的金额变化 10 倍以上，请在预览页核对后勾选「已核对」再导入。未导入任何数据。"
        )
    reason = clean_text(reason, REASON_MAX)
    if preview.reason_needed and not reason:
        rows = "、".join(str(row) for row in preview.reason_needed[:10])
        raise ImportRefusedError(
            f"第 {rows} 行更正已审核的月报，须填写更正原因（将形成修订记录并重新审核）。未导入任何数据。"
        )
    preview.options["reason"] = reason
    _preview, commit = KINDS[batch.kind]
    total = len(preview.rows)
    for done in commit(preview, actor, batch.filename, counts):
        yield done, total
    batch.status = "committed"
    batch.created_count = counts["created"]
    batch.updated_count = counts["updated"]
    batch.summary = counts.pop("records", None)
    if not current_app.config["IMPORT_KEEP_FILES"]:
        batch.content = b""  # the result stays; the file itself is not kept
    batch.committed_at = utcnow()


def commit_batch(batch: ImportBatch, actor: User, *, confirmed: bool = False, reason: str = "") -> dict[str, int]:
    """Validate and write in one go (API, CLI)."""
    counts: dict[str, Any] = {}
    for _progress in iter_commit_batch(batch, actor, counts, confirmed=confirmed, reason=reason):
        pass
    return counts


__all__ = ["ImportRefusedError", "SheetError"]
