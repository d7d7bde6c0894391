"""Excel 台账 import over the API: upload a ledger (multipart `file`), get
what it would create and update and every error by row and column; with
`?commit=1` write it, all-or-nothing, through the same workflow as the
import pages (`app.imports.service`). The monthly investment ledger takes
its month (`?month=YYYY-MM`, else the title's) and, to correct reviewed
months, one `reason`."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from pydantic import BaseModel, Field

from app.api import bp
from app.api.common import saving
from app.api.core import CODES, operation
from app.api.schemas import ErrorBody, Query
from app.imports import service
from app.imports.rows import Preview
from app.models import Role

IMPORTERS = (Role.ADMIN, Role.STAFF)
TAG = "导入"


class ImportQuery(Query):
    commit: bool = Field(False, description="1：校验无误后导入（全部成功或全部不导入）；否则只校验")
    confirm_changes: bool = Field(False, description="1：已核对计划总投资变化 10 倍以上的行（否则这样的文件不导入）")


class InvestmentImportQuery(ImportQuery):
    month: str | None = Field(
        None, pattern=r"^\d{4}-\d{1,2}$", description="月报月份 YYYY-MM；不填则取表格标题中的年月（如「2026年1-10月」）"
    )
    reason: str | None = Field(
        None, max_length=500, description="更正已审核月份的原因（整份文件一条；有此类行时必填，否则不导入）"
    )


class ImportProblem(BaseModel):
    row: int
    column: str
    value: str
    message: str


class ImportOut(BaseModel):
    committed: bool
    rows: int
    created: int = Field(description="新增条数（未导入时为将新增的条数）")
    updated: int = Field(description="更新条数（未导入时为将更新的条数）")
    unchanged: int = Field(0, description="与系统一致、不改动的条数")
    to_confirm: list[int] = Field(default_factory=list, description="金额变化 10 倍以上、须 confirm_changes=1 的行号")
    errors: list[ImportProblem]
    # With errors (422) the usual error object rides along.
    error: ErrorBody | None = None

    @classmethod
    def about(cls, preview: Preview) -> dict[str, Any]:
        """What this kind's answer adds about the file."""
        return {}


class InvestmentImportOut(ImportOut):
    month: str | None = Field(None, description="月报月份 YYYY-MM（所选或取自标题）")
    reason_needed: list[int] = Field(default_factory=list, description="更正已审核月报、须填写 reason 的行号")

    @classmethod
    def about(cls, preview: Preview) -> dict[str, Any]:
        month = preview.options.get("month")
        return {"month": month.strftime("%Y-%m") if month else None, "reason_needed": preview.reason_needed}


def _run(
    kind: str,
    commit: bool,
    confirmed: bool = False,
    *,
    options: dict[str, str] | None = None,
    reason: str = "",
    out: type[ImportOut] = ImportOut,
):
    with saving():  # an unreadable upload or sheet is a refusal: its status and message
        data, filename = service.read_upload(request.files.get("file"))
        preview = service.preview_upload(kind, data, current_user, options)
    if preview.errors:
        message = f"文件有 {len(preview.errors)} 处错误，未导入任何数据。请修改后重新上传。"
        problems = [ImportProblem(**p.as_dict()) for p in preview.errors]
        body = out(
            **out.about(preview),
            committed=False,
            rows=len(preview.rows),
            created=0,
            updated=0,
            errors=problems,
            error=ErrorBody(code=CODES[422], message=message),
        )
        return body, 422
    if not commit:
        return out(
            **out.about(preview),
            committed=False,
            rows=len(preview.rows),
            created=preview.created,
            updated=preview.updated,
            unchanged=preview.unchanged,
            to_confirm=[r.row for r in preview.to_confirm],
            errors=[],
        )
    with saving():
        batch = service.store(kind, data, filename, current_user, preview, options)
        counts = service.commit_batch(batch, current_user, confirmed=confirmed, reason=reason)
    return out(
        **out.about(preview),
        committed=True,
        rows=len(preview.rows),
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts.get("unchanged", 0),
        errors=[],
    )


@operation(
    bp,
    "POST",
    "/imports/projects",
    summary="导入项目台账（.xlsx，字段 file）",
    tag=TAG,
    query=ImportQuery,
    response=ImportOut,
    roles=IMPORTERS,
    errors=(403, 413),
    files=("file",),
)
def import_projects(query: ImportQuery):
    return _run("projects", query.commit, query.confirm_changes)


@operation(
    bp,
    "POST",
    "/imports/leads",
    summary="导入线索台账（.xlsx，字段 file）",
    tag=TAG,
    query=ImportQuery,
    response=ImportOut,
    roles=IMPORTERS,
    errors=(403, 413),
    files=("file",),
)
def import_leads(query: ImportQuery):
    return _run("leads", query.commit, query.confirm_changes)


@operation(
    bp,
    "POST",
    "/imports/investments",
    summary="导入投资月报（.xlsx，字段 file）：按项目名称填报或更正该月月报",
    tag=TAG,
    query=InvestmentImportQuery,
    response=InvestmentImportOut,
    roles=IMPORTERS,
    errors=(403, 413),
    files=("file",),
)
def import_investments(query: InvestmentImportQuery):
    options = {"month": query.month} if query.month else {}
    return _run(
        "investments",
        query.commit,
        query.confirm_changes,
        options=options,
        reason=query.reason or "",
        out=InvestmentImportOut,
    )


@operation(
    bp,
    "POST",
    "/imports/approvals",
    summary="导入联审联批事项台账（.xlsx，字段 file）：按项目名称与审批事项新增或更新审批事项",
    tag=TAG,
    query=ImportQuery,
    response=ImportOut,
    roles=IMPORTERS,
    errors=(403, 413),
    files=("file",),
)
def import_approvals(query: ImportQuery):
    return _run("approvals", query.commit, query.confirm_changes)
