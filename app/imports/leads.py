"""Lead ledger import: template headers, row validation with the lead
form's limits and lists, exact company matching (credit code, else
normalized name) with 撞单 flagged, re-import matching on lead title +
company; the all-or-nothing commit is in `leads_commit.py`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.companies import credit_code as cc
from app.companies.names import normalize_company_name
from app.companies.services import followers
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
from app.leads.services import TEXT_LIMITS
from app.models import Company, Lead, RefKind, User

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
