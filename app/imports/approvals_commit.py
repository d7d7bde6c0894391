"""Committing a validated approval ledger: every row lands in the caller's
one transaction or none does. Each write goes through the approval
services — `add_item` (a new item, 办结 included for whoever may mark it),
`update_item` (department, dates, notes), `approve` (办结), `not_needed` — so
the audit trail and the rules are the same as on the pages; a refusal from
any of them refuses the file, naming the row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app import audit
from app.approvals import services
from app.db import db
from app.imports.commit import PROGRESS_EVERY, ImportRefusedError, remember
from app.imports.rows import Preview, RowResult
from app.models import ApprovalItem, ApprovalStatus, Project, User
from app.refusals import Refusal


def commit(preview: Preview, actor: User, filename: str, counts: dict[str, Any]) -> Iterator[int]:
    """Write every row (a generator: yields rows done every PROGRESS_EVERY
    rows); fills `counts` when complete."""
    if not preview.ok:
        raise ImportRefusedError("文件仍有错误，未导入任何数据。请修改后重新上传。")
    records: dict[str, list[list[Any]]] = {"created": [], "updated": [], "unchanged": []}
    tally = {"created": 0, "updated": 0, "unchanged": 0}
    for done, row in enumerate(preview.rows, start=1):
        if done % PROGRESS_EVERY == 0:
            yield done
        key = {"create": "created", "update": "updated"}.get(row.action, "unchanged")
        tally[key] += 1
        label = f"{row.data['name']}：{row.data['type_name']}"
        if key == "unchanged":
            remember(records["unchanged"], [row.data.get("project_id"), label])
            continue
        try:
            item_id = _write(row, actor)
        except ImportRefusedError:
            raise
        except Refusal as exc:
            raise ImportRefusedError(f"第 {row.row} 行（{label}）：{exc.message}") from None
        fields = [change.label for change in row.changes if change.applied]
        remember(records[key], [row.data.get("project_id"), label, fields, item_id])
    audit.record(
        "import",
        "import",
        None,
        changes={"kind": "approvals", "file": filename, **tally, "rows": len(preview.rows)},
        summary=(
            f"联审联批事项导入 {filename}：新增 {tally['created']}，更新 {tally['updated']}，未变 {tally['unchanged']}"
        ),
        user_id=actor.id,
    )
    counts.update(tally, records=records)
    yield len(preview.rows)


def _write(row: RowResult, actor: User) -> int:
    """Write what the preview showed as applied, nothing else."""
    data, updates = row.data, row.updates
    if updates.get("create"):
        project = db.session.get(Project, data["project_id"])
        if project is None:
            raise ImportRefusedError(f"第 {row.row} 行：项目已不存在，请重新上传。")
        fields = {key: data.get(key) for key in ("type_id", "department_id", "due_on", "submitted_on", "notes")}
        if data["status"] is ApprovalStatus.APPROVED:
            fields["approved_on"] = data["approved_on"]
        item = services.add_item(project, fields, actor)
        if data["status"] is ApprovalStatus.NOT_NEEDED:
            services.not_needed(item, data["reason"], actor)
        return item.id
    item = db.session.get(ApprovalItem, row.existing_id)
    if item is None or item.archived_at is not None:
        raise ImportRefusedError(f"第 {row.row} 行：该审批事项已不存在，请重新上传。")
    if updates.get("edits"):
        services.update_item(item, updates["edits"], actor, version=item.version)
    if "approve" in updates:
        services.approve(item, updates["approve"], actor)
    if "not_needed" in updates:
        services.not_needed(item, updates["not_needed"], actor)
    return item.id
