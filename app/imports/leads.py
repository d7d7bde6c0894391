"""Lead ledger import: template headers, row validation with the lead
form's limits and lists, exact company matching (credit code, else
normalized name) with 撞单 flagged, re-import matching on lead title +
company, and the all-or-nothing commit through the leads service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from app import audit, clock
from app.companies import credit_code as cc
from app.companies.conflicts import sync_new_leads_conflicts
from app.companies.names import normalize_company_name
from app.companies.services import created_audit_row as created_company_row
from app.companies.services import followers
from app.db import db, number
from app.imports import cells
from app.imports.lead_changes import describe_changes
from app.imports.rows import (
    CellProblem,
    Lookups,
    Preview,
    RowResult,
    cell_text,
    flag_lookalikes,
    make_preview,
    validate_rows,
)
from app.imports.sheets import header_key, read_table
from app.leads.refusals import LeadError
from app.leads.services import (
    TEXT_LIMITS,
    build_lead_on_company,
    build_lead_with_new_company,
    create_lead,
    edit_data,
    record_built_leads,
    update_lead,
)
from app.leads.services import created_audit_row as created_lead_row
from app.models import Company, Department, Lead, RefItem, RefKind, User

# New leads on new companies inserted together (see `commit`).
BATCH = 500

HEADERS = [
    ("投资意向", "title", True),
    ("企业名称", "company", True),
    ("统一社会信用代码", "credit_code", False),
    ("招商方式", "source", False),
    ("产业类别", "industry", False),
    ("意向投资额(万元)", "amount", False),
    ("联系人", "contact_name", False),
    ("联系电话", "contact_phone", False),
    ("责任单位", "department", False),
    ("收集日期", "received_on", False),
    ("备注", "note", False),
]
LABELS = {field: header for header, field, _required in HEADERS}
ALIASES = {header_key(header): field for header, field, _required in HEADERS} | {
    header_key(alias): field
    for alias, field in [
        ("线索名称", "title"),
        ("投资方", "company"),
        ("意向投资额", "amount"),
        ("投资额(万元)", "amount"),
        ("信用代码", "credit_code"),
        ("收到日期", "received_on"),
        ("来源", "source"),
    ]
}
REQUIRED = ("title", "company")


def preview(data: bytes, *, max_rows: int, db_session: Any, actor: User | None = None, notes: bool = True) -> Preview:
    """Read and check every row; `notes`: flag look-alike company names
    for the person (the commit, writing what was previewed, goes without)."""
    sheet = read_table(data, ALIASES, REQUIRED, max_rows=max_rows)
    lookups, results, errors = validate_rows(sheet, _validate)
    _match_existing(results, db_session, notes=notes)
    describe_changes(results, db_session, lookups)
    return make_preview("leads", sheet, results, errors, lookups)


def _validate(number: int, record: dict[str, Any], lookups: Lookups) -> tuple[RowResult, list[CellProblem]]:
    problems: list[CellProblem] = []
    data: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        problems.append(CellProblem(number, LABELS[field], cell_text(record.get(field)), message))

    for field, key in (("title", "title"), ("contact_name", "contact_name"), ("contact_phone", "contact_phone")):
        value = cells.text(record.get(field))
        if len(value) > TEXT_LIMITS[key]:
            fail(field, f"不能超过 {TEXT_LIMITS[key]} 个字符。")
        data[key] = value or None
    if not data["title"]:
        fail("title", "投资意向不能为空。")
    company = cells.text(record.get("company"))
    if not company:
        fail("company", "企业名称不能为空。")
    elif len(company) > 200 or not normalize_company_name(company):
        fail("company", "企业名称无效或超过 200 个字符。")
    data["company_name"] = company
    code = cc.clean(cells.text(record.get("credit_code")))
    if code and (problem := cc.problem(code)):
        fail("credit_code", problem)
    data["credit_code"] = code or None
    for field, kind, key in (("source", RefKind.SOURCE, "source_id"), ("industry", RefKind.INDUSTRY, "industry_id")):
        name = cells.text(record.get(field))
        data[key] = lookups.ref_id(kind, name) if name else None
        if name and data[key] is None:
            fail(field, f"{LABELS[field]}不在基础数据列表中（见模板第二页）。")
    try:
        data["intended_investment"] = cells.amount_wan(record.get("amount"))
    except cells.CellError as exc:
        fail("amount", str(exc))
    department = cells.text(record.get("department"))
    if department:
        data["owner_department_id"] = lookups.departments.get(department)
        if data["owner_department_id"] is None:
            fail("department", lookups.department_problem(department))
    try:
        data["received_on"] = cells.date(record.get("received_on"))
    except cells.CellError as exc:
        fail("received_on", str(exc))
    note = cells.text(record.get("note"))
    if len(note) > TEXT_LIMITS["description"]:
        fail("note", f"不能超过 {TEXT_LIMITS['description']} 个字符。")
    data["description"] = note or None
    return RowResult(row=number, data=data), problems


def _match_existing(results: list[RowResult], session: Any, *, notes: bool = True) -> None:
    """Exact company matches (credit code, else normalized name), 撞单 notes,
    look-alikes of the rest (flagged, not matched), and existing leads (same
    title + company): a handful of queries per file."""
    codes = {r.data["credit_code"] for r in results if r.data.get("credit_code")}
    names = {normalize_company_name(r.data["company_name"]) for r in results if r.data.get("company_name")} - {""}
    companies = list(
        session.scalars(
            sa.select(Company).where(
                Company.merged_into_id.is_(None),
                Company.archived_at.is_(None),
                sa.or_(Company.credit_code.in_(codes or [""]), Company.normalized_name.in_(names or [""])),
            )
        )
    )
    by_code = {c.credit_code: c for c in companies if c.credit_code}
    by_name: dict[str, Company] = {}
    for company in sorted(companies, key=lambda c: c.id):
        by_name.setdefault(company.normalized_name, company)
    follow = followers([c.id for c in companies])
    unmatched = []
    for result in results:
        company = by_code.get(result.data.get("credit_code") or "") or by_name.get(
            normalize_company_name(result.data.get("company_name") or "")
        )
        if company is None:
            unmatched.append(result)
            continue
        result.company_id = company.id
        others = [f for f in follow.get(company.id, []) if f.department_id != result.data.get("owner_department_id")]
        note = f"企业库已有：{company.name}"
        if others:
            note += "；撞单：" + "、".join(f"{f.department_name}（{f.since or '—'} 起）" for f in others[:3])
        result.company_note = note
    if notes:
        flag_lookalikes(unmatched, session)
    titles = {r.data["title"] for r in results if r.data.get("title")}
    existing = session.execute(
        sa.select(Lead.id, Lead.title, Lead.company_id).where(
            Lead.title.in_(titles or [""]), Lead.archived_at.is_(None)
        )
    ).all()
    index = {(row.title, row.company_id): row.id for row in existing}
    for result in results:
        lead_id = index.get((result.data.get("title"), result.company_id))
        if lead_id is not None:
            result.action = "update"
            result.existing_id = lead_id


def commit(preview_: Preview, actor: User, filename: str, counts: dict[str, Any]) -> Iterator[int]:
    """Write every row; yields progress like `commit_projects`."""
    from app.imports.commit import PROGRESS_EVERY, ImportRefusedError, remember

    if not preview_.ok:
        raise ImportRefusedError("文件仍有错误，未导入任何数据。请修改后重新上传。")
    # Hold the reference lists and departments while the rows are written:
    # the session keeps an object only while something refers to it, so each
    # row's lookup of its source, industry and department would otherwise
    # query again (and flush the rows written so far) — a third of the time.
    held = [*db.session.scalars(sa.select(RefItem)), *db.session.scalars(sa.select(Department))]
    # The same for the companies the preview matched (a third of a ledger's
    # rows, each a query of its own otherwise), in chunks of bind parameters.
    matched = sorted({row.company_id for row in preview_.rows if row.company_id})
    for start in range(0, len(matched), 1000):
        held += db.session.scalars(sa.select(Company).where(Company.id.in_(matched[start : start + 1000]))).all()
    created = updated = unchanged = 0
    records: dict[str, list[list[Any]]] = {"created": [], "updated": [], "unchanged": []}
    new_companies: dict[str, Company] = {}
    # Two passes. First the rows that create a lead on a company new to the
    # platform (most of a first import): built without a flush and inserted
    # BATCH at a time — one INSERT per table and batch instead of three
    # flushes a row — then audited. Then every other row in file order: new
    # leads on a company already known (on file, or created by the first
    # pass) batched the same way, their 首报/撞单 settled per batch in file
    # order; updates through the services one by one, after the batch before
    # them is settled. The two passes touch different companies, so doing the
    # first first changes no outcome (首报 of a new company is still its
    # first row).
    pending: list[Lead] = []
    pending_codes: set[str] = set()
    later: list[RowResult] = []

    def settle(*, on_file: bool = False) -> None:
        if not pending:
            return
        # Keys taken first: each table is then one executemany (app/db.py).
        number([lead.company for lead in pending] + list(pending))
        db.session.flush()
        if on_file:
            sync_new_leads_conflicts(pending, actor)
        record_built_leads(pending, actor)
        rows = []
        for new_lead in pending:
            if not on_file:
                rows.append(created_company_row(new_lead.company, actor))
            rows.append(created_lead_row(new_lead, actor))
            remember(records["created"], [new_lead.id, new_lead.title])
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
            lead = build_lead_with_new_company({**prepared(row), "confirm_new_company": True}, actor)
        except LeadError as exc:
            raise ImportRefusedError(f"第 {row.row} 行：{exc}") from None
        pending.append(lead)
        if code:
            pending_codes.add(code)
        new_companies[key] = lead.company
        created += 1
        done += 1
        if len(pending) >= BATCH:
            settle()
        if done % PROGRESS_EVERY == 0:
            yield done
    settle()
    for row in later:
        done += 1
        if done % PROGRESS_EVERY == 0:
            yield done
        key = normalize_company_name(row.data["company_name"])
        known = new_companies.get(key)
        company_id = row.company_id or (known.id if known else None)
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
            elif company_id:
                lead = build_lead_on_company(data, actor)
                pending.append(lead)
                created += 1
                if len(pending) >= BATCH:
                    settle(on_file=True)
            else:
                settle(on_file=True)
                lead = create_lead(data, actor, confirm_duplicate=True)
                created += 1
                remember(records["created"], [lead.id, lead.title])
        except LeadError as exc:
            raise ImportRefusedError(f"第 {row.row} 行：{exc}") from None
        new_companies.setdefault(key, lead.company)
    settle(on_file=True)
    del held
    audit.record(
        "import",
        "import",
        None,
        changes={
            "kind": "leads",
            "file": filename,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "rows": len(preview_.rows),
        },
        summary=f"线索台账导入 {filename}：新增 {created}，更新 {updated}，未变 {unchanged}",
        user_id=actor.id,
    )
    counts.update(created=created, updated=updated, unchanged=unchanged, records=records)
    yield len(preview_.rows)
