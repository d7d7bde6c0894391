"""Committing a validated monthly ledger: every row lands in the caller's one
transaction or none does. Each write goes through the delivery services —
`save_plan` (an admin's plan), `update_project` (an admin's level),
`file_report` (a new month), `correct_report` (a month on record; a reviewed
one with the batch's reason, as a numbered revision) — so the totals, the
audit trail and the rules are the same as on the pages; a refusal from any
of them refuses the file, naming the row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app import audit
from app.db import db
from app.delivery.investments import correct_report, file_report, report_of
from app.delivery.plans import plan_of, save_plan
from app.imports.commit import PROGRESS_EVERY, ImportRefusedError, remember
from app.imports.rows import Preview, RowResult
from app.models import Project, ReportStatus, User
from app.projects.services import update_project
from app.refusals import Refusal


def commit(preview: Preview, actor: User, filename: str, counts: dict[str, Any]) -> Iterator[int]:
    """Write every row (a generator: yields rows done every PROGRESS_EVERY
    rows); fills `counts` when complete."""
    if not preview.ok:
        raise ImportRefusedError("文件仍有错误，未导入任何数据。请修改后重新上传。")
    month = preview.options["month"]
    reason = preview.options.get("reason") or None
    records: dict[str, list[list[Any]]] = {"created": [], "updated": [], "unchanged": []}
    tally = {"created": 0, "updated": 0, "unchanged": 0}
    for done, row in enumerate(preview.rows, start=1):
        if done % PROGRESS_EVERY == 0:
            yield done
        key = {"create": "created", "update": "updated"}.get(row.action, "unchanged")
        tally[key] += 1
        if key == "unchanged":
            remember(records["unchanged"], [row.existing_id, row.data["name"]])
            continue
        try:
            _write(row, actor, month, reason)
        except ImportRefusedError:
            raise
        except Refusal as exc:
            raise ImportRefusedError(f"第 {row.row} 行（{row.data['name']}）：{exc.message}") from None
        fields = [change.label for change in row.changes if change.applied]
        remember(records[key], [row.existing_id, row.data["name"], fields])
    audit.record(
        "import",
        "import",
        None,
        changes={
            "kind": "investments",
            "file": filename,
            "month": month.strftime("%Y-%m"),
            **tally,
            "rows": len(preview.rows),
            **({"reason": reason} if reason and preview.reason_needed else {}),
        },
        summary=(
            f"投资月报导入 {filename}（{month.year}年{month.month}月）：新填报 {tally['created']}，"
            f"更正或更新 {tally['updated']}，未变 {tally['unchanged']}"
        ),
        user_id=actor.id,
    )
    counts.update(tally, records={**records, "month": month.strftime("%Y-%m")})
    yield len(preview.rows)


def _write(row: RowResult, actor: User, month: Any, reason: str | None) -> None:
    """Write what the preview showed as applied, nothing else."""
    project = db.session.get(Project, row.existing_id)
    if project is None:
        raise ImportRefusedError(f"第 {row.row} 行：项目已不存在，请重新上传。")
    updates = row.updates
    if "level" in updates:
        update_project(project, {"level": updates["level"]}, actor, version=project.version)
    if "planned" in updates:
        plan = plan_of(project.id, month.year)
        data = {
            "planned_investment": updates["planned"],
            "planned_start_on": plan.planned_start_on if plan else None,
            "planned_production_on": plan.planned_production_on if plan else None,
            "content": plan.content if plan else None,
        }
        save_plan(project, month.year, data, actor)
    if updates.get("report") == "file":
        file_report(project, month, row.data["amount"], row.data.get("progress"), actor)
    elif updates.get("report") == "correct":
        report = report_of(project.id, month)
        if report is None:
            raise ImportRefusedError(f"第 {row.row} 行：该月月报已被删除，请重新上传。")
        progress = row.data.get("progress") or report.progress
        locked = report.status is ReportStatus.REVIEWED
        correct_report(report, row.data["amount"], progress, actor, reason=reason if locked else None)
