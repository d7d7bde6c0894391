"""Committing a validated lead ledger: every row in the caller's one
transaction or none. New leads (and the new companies they name) are
checked one by one by the lead services, then written BATCH at a time with
one INSERT per table — no ORM object per row — and audited in the same
transaction; updates go through the services one by one. The report facts
of the leads written so are refreshed explicitly (`app.facts.refresh`: the
session's hook sees only what the ORM flushes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from app import audit, clock, facts
from app.companies import credit_code as cc
from app.companies.conflicts import sync_new_leads_conflicts
from app.companies.names import normalize_company_name
from app.companies.services import draft_audit_row as company_audit_row
from app.companies.services import insert_drafts
from app.db import db, reserve_ids
from app.imports.commit import PROGRESS_EVERY, ImportRefusedError, record_import, remember
from app.imports.rows import Preview, RowResult
from app.leads.refusals import LeadError
from app.leads.services import (
    LeadDraft,
    create_lead,
    draft_lead_on_company,
    draft_lead_with_new_company,
    edit_data,
    insert_lead_drafts,
    update_lead,
)
from app.leads.services import draft_audit_row as lead_audit_row
from app.models import Company, Department, Lead, RefItem, User

# New leads written together (see `commit`).
BATCH = 500


def commit(preview_: Preview, actor: User, filename: str, counts: dict[str, Any]) -> Iterator[int]:
    """Write every row; yields progress like `commit_projects`."""
    if not preview_.ok:
        raise ImportRefusedError("文件仍有错误，未导入任何数据。请修改后重新上传。")
    # Hold the reference lists and departments while the rows are written:
    # the session keeps an object only while something refers to it, so each
    # row's lookup of its source, industry and department would otherwise
    # query again (and flush the rows written so far) — a third of the time.
    held: list[Any] = [*db.session.scalars(sa.select(RefItem)), *db.session.scalars(sa.select(Department))]
    # The same for the companies the preview matched (a third of a ledger's
    # rows, each a query of its own otherwise).
    held += _companies({row.company_id for row in preview_.rows if row.company_id})
    created = updated = unchanged = 0
    records: dict[str, list[list[Any]]] = {"created": [], "updated": [], "unchanged": []}
    new_companies: dict[str, Any] = {}  # normalized name → the draft of the company its first row creates
    written: list[int] = []  # the leads written past the ORM, whose facts to refresh
    # Two passes. First the rows that create a lead on a company new to the
    # platform (most of a first import), written BATCH at a time. Then every
    # other row in file order: new leads on a company already known (on
    # file, or created by the first pass) batched the same way, their
    # 首报/撞单 settled per batch in file order; updates through the services
    # one by one, after the batch before them is written. The two passes
    # touch different companies, so doing the first first changes no
    # outcome (首报 of a new company is still its first row).
    pending: list[LeadDraft] = []
    pending_codes: set[str] = set()
    later: list[RowResult] = []

    def settle(*, on_file: bool = False) -> None:
        if not pending:
            return
        db.session.flush()  # nothing of these tables unwritten while their keys are taken (app/db.py)
        if not on_file:
            drafts = [draft.company for draft in pending]
            for company, key in zip(drafts, reserve_ids(Company.__table__, len(drafts)), strict=True):
                company.values["id"] = key
            for draft in pending:
                draft.values["company_id"] = draft.company.values["id"]
            insert_drafts(drafts)
        for draft, key in zip(pending, reserve_ids(Lead.__table__, len(pending)), strict=True):
            draft.values["id"] = key
        insert_lead_drafts(pending, actor)
        if on_file:
            sync_new_leads_conflicts(pending, actor)
        rows = []
        for draft in pending:
            if not on_file:
                rows.append(company_audit_row(draft.company, actor))
            rows.append(lead_audit_row(draft, actor))
            remember(records["created"], [draft.id, draft.title])
            written.append(draft.id)
        audit.record_many(rows)
        pending.clear()

    def prepared(row: RowResult) -> dict[str, Any]:
        return {
            **row.data,
            "owner_department_id": row.data.get("owner_department_id") or actor.department_id,
            "received_on": row.data.get("received_on") or clock.today(),
        }

    done = 0
    for row in preview_.rows:
        key = normalize_company_name(row.data["company_name"])
        code = cc.clean(row.data.get("credit_code"))
        known = row.company_id or key in new_companies or (code and code in pending_codes)
        if row.action in ("update", "unchanged") or known:
            later.append(row)
            continue
        try:
            # The preview just run in this transaction, under the import lock,
            # matched every name on file exactly: no identical name to ask about.
            draft = draft_lead_with_new_company({**prepared(row), "confirm_new_company": True}, actor)
        except LeadError as exc:
            raise ImportRefusedError(f"第 {row.row} 行：{exc}") from None
        pending.append(draft)
        if code:
            pending_codes.add(code)
        new_companies[key] = draft.company
        created += 1
        done += 1
        if len(pending) >= BATCH:
            settle()
        if done % PROGRESS_EVERY == 0:
            yield done
    settle()
    # Written now: from here on, a name's company by id.
    company_ids: dict[str, int] = {key: draft.values["id"] for key, draft in new_companies.items()}
    # The first pass's companies that later rows name, held like the matched ones.
    named = {normalize_company_name(row.data["company_name"]) for row in later}
    held += _companies({company_ids[key] for key in named if key in company_ids})
    for row in later:
        done += 1
        if done % PROGRESS_EVERY == 0:
            yield done
        key = normalize_company_name(row.data["company_name"])
        company_id = row.company_id or company_ids.get(key)
        data = {**prepared(row), "company_choice": str(company_id) if company_id else "new"}
        try:
            if row.action == "unchanged":
                unchanged += 1
                remember(records["unchanged"], [row.existing_id, row.data["title"]])
                continue
            if row.action == "update" and row.existing_id:
                settle(on_file=True)
                lead = db.session.get(Lead, row.existing_id)
                data = {**edit_data(lead), **row.updates, "company_choice": str(lead.company_id)}
                if data["owner_department_id"] != lead.owner_department_id:
                    data["owner_user_id"] = None
                update_lead(lead, data, actor, version=lead.version, confirm_duplicate=True)
                updated += 1
                remember(records["updated"], [lead.id, lead.title, [c.label for c in row.changes]])
                company_id = lead.company_id
            elif company_id:
                draft = draft_lead_on_company(data, actor)
                pending.append(draft)
                created += 1
                company_id = draft.company_id
                if len(pending) >= BATCH:
                    settle(on_file=True)
            else:
                settle(on_file=True)
                lead = create_lead(data, actor, confirm_duplicate=True)
                created += 1
                remember(records["created"], [lead.id, lead.title])
                company_id = lead.company_id
        except LeadError as exc:
            raise ImportRefusedError(f"第 {row.row} 行：{exc}") from None
        company_ids.setdefault(key, company_id)
    settle(on_file=True)
    facts.refresh(db.session.connection(), lead_ids=written)
    del held
    record_import("leads", "线索台账", filename, len(preview_.rows), created, updated, unchanged, actor)
    counts.update(created=created, updated=updated, unchanged=unchanged, records=records)
    yield len(preview_.rows)


def _companies(ids: set[int]) -> list[Company]:
    """The companies `ids`, a query per 1,000 (bind parameters)."""
    ordered = sorted(ids)
    found: list[Company] = []
    for start in range(0, len(ordered), 1000):
        found += db.session.scalars(sa.select(Company).where(Company.id.in_(ordered[start : start + 1000])))
    return found
