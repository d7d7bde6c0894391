"""Committing a validated project import: every row lands in the caller's
one transaction or none does (the caller rolls back on any exception).
Companies are found or created once per name; re-imports update."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app import audit, clock
from app.companies.names import normalize_company_name
from app.companies.services import CompanyError, create_company
from app.db import db
from app.imports.project_changes import FACT_FIELDS
from app.imports.rows import Preview, RowResult
from app.lookups import ref_id
from app.models import Company, Project, RefKind, Role, Stage, User
from app.projects.assignment import assign_five_ones, change_leader
from app.projects.services import ProjectError, create_project, move_stage, update_project
from app.refusals import Refusal

IMPORT_NOTE = "台账导入"


class ImportRefusedError(Refusal):
    """The file has errors: nothing is written."""


PROGRESS_EVERY = 250


def commit_projects(preview: Preview, actor: User, filename: str, counts: dict[str, Any]) -> Iterator[int]:
    """Write every row (a generator: yields rows done every PROGRESS_EVERY
    rows, so a page can show progress); fills `counts` when complete."""
    if not preview.ok:
        raise ImportRefusedError("文件仍有错误，未导入任何数据。请修改后重新上传。")
    companies: dict[str, Company] = {}
    exit_reason = ref_id(RefKind.REASON, "其他")
    created = updated = unchanged = 0
    records: dict[str, list[list[Any]]] = {"created": [], "updated": [], "unchanged": []}
    for done, row in enumerate(preview.rows, start=1):
        if done % PROGRESS_EVERY == 0:
            yield done
        note = f"{IMPORT_NOTE}（第 {row.row} 行）"
        try:
            if row.action == "unchanged":
                unchanged += 1
                remember(records["unchanged"], [row.existing_id, row.data["name"]])
                continue
            if row.action == "update" and row.existing_id is not None:
                _update(row, actor, companies, note)
                updated += 1
                fields = [c.label for c in row.changes if c.applied]
                remember(records["updated"], [row.existing_id, row.data["name"], fields])
                continue
            company = _company(row, actor, companies)
            stage: Stage = row.data["stage"]
            data = {
                "name": row.data["name"],
                "planned_investment": row.data["planned_investment"],
                "industry_id": row.data.get("industry_id"),
                "lead_department_id": row.data.get("lead_department_id") or actor.department_id,
                "is_key": bool(row.data.get("is_key")) and actor.role is Role.ADMIN,  # as on the page
                "location": row.data.get("location"),
                "notes": row.data.get("notes"),
                "company_id": company.id if company else None,
            }
            opening = Stage.PLANNING if stage is Stage.EXITED else stage
            project = create_project({**data, "responsible_leader_id": None}, actor, stage=opening, note=IMPORT_NOTE)
            created += 1
            remember(records["created"], [project.id, project.name])
            if row.data.get("responsible_leader_id"):
                change_leader(project, row.data["responsible_leader_id"], IMPORT_NOTE, actor)
            if project.stage is not stage:
                reason = exit_reason if stage is Stage.EXITED else None
                move_stage(project, stage, actor, note=note, reason_id=reason)
        except ProjectError as exc:
            raise ImportRefusedError(f"第 {row.row} 行：{exc}") from None
    record_import("projects", "项目台账", filename, len(preview.rows), created, updated, unchanged, actor)
    counts.update(created=created, updated=updated, unchanged=unchanged, records=records)
    yield len(preview.rows)


RECORDS_KEPT = 2000  # per list on the result page; the counts are always whole


def record_import(
    kind: str, ledger: str, filename: str, rows: int, created: int, updated: int, unchanged: int, actor: User
) -> None:
    """The audit entry of a committed import, in its transaction."""
    audit.record(
        "import",
        "import",
        None,
        changes={
            "kind": kind,
            "file": filename,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "rows": rows,
        },
        summary=f"{ledger}导入 {filename}：新增 {created}，更新 {updated}，未变 {unchanged}",
        user_id=actor.id,
    )


def remember(items: list[list[Any]], item: list[Any]) -> None:
    if len(items) < RECORDS_KEPT:
        items.append(item)


def _update(row: RowResult, actor: User, companies: dict[str, Company], note: str) -> None:
    """Write what the preview showed as applied, nothing else."""
    project = db.session.get(Project, row.existing_id)
    facts = {field: value for field, value in row.updates.items() if field in FACT_FIELDS}
    if row.updates.get("company"):
        company = _company(row, actor, companies)
        facts["company_id"] = company.id if company else None
    if facts:
        update_project(project, facts, actor, version=project.version)
    if "lead_department_id" in row.updates:
        assignment = {
            "lead_department_id": row.updates["lead_department_id"],
            "team_ids": [member.id for member in project.team],
            "plan_text": project.plan_text,
        }
        assign_five_ones(project, assignment, actor, version=project.version)
    if "responsible_leader_id" in row.updates:
        change_leader(project, row.updates["responsible_leader_id"], IMPORT_NOTE, actor)
    if "stage" in row.updates:
        move_stage(project, row.updates["stage"], actor, note=note)


def _company(row: RowResult, actor: User, cache: dict[str, Company]) -> Company | None:
    if row.company_id is not None:
        return db.session.get(Company, row.company_id)
    name = row.data.get("company_name")
    if not name:
        return None
    key = normalize_company_name(name)
    if key in cache:
        return cache[key]
    try:
        company = create_company(
            {"name": name, "credit_code": row.data.get("credit_code"), "industry_id": row.data.get("industry_id")},
            actor,
        )
    except CompanyError as exc:
        raise ImportRefusedError(f"第 {row.row} 行：{exc}") from None
    if company.first_department_id is None:  # 首报: the importing department reports it first
        company.first_department_id = row.data.get("lead_department_id") or actor.department_id
        company.first_reported_on = clock.today()
    cache[key] = company
    return company
