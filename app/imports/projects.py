"""Project ledger import: template headers, row validation with the same
rules as the project form, matching against existing records so a re-import
updates instead of duplicating (credit code, else project name + company),
and the all-or-nothing commit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.companies import credit_code as cc
from app.companies.names import normalize_company_name
from app.imports import cells
from app.imports.project_changes import describe_changes
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
from app.models import Company, Project, RefKind, User

HEADERS = [
    ("项目名称", "name", True),
    ("项目阶段", "stage", True),
    ("计划总投资(万元)", "planned_investment", True),
    ("产业类别", "industry", False),
    ("投资方", "company", False),
    ("统一社会信用代码", "credit_code", False),
    ("责任单位", "department", False),
    ("分包领导", "leader", False),
    ("是否重点项目", "is_key", False),
    ("项目地点", "location", False),
    ("备注", "note", False),
]
LABELS = {field: header for header, field, _required in HEADERS}
ALIASES = {header_key(header): field for header, field, _required in HEADERS} | {
    header_key(alias): field
    for alias, field in [
        ("计划总投资", "planned_investment"),
        ("总投资(万元)", "planned_investment"),
        ("总投资", "planned_investment"),
        ("投资主体", "company"),
        ("企业名称", "company"),
        ("信用代码", "credit_code"),
        ("责任领导", "leader"),
        ("牵头部门", "department"),
        ("牵头单位", "department"),
        ("包抓领导", "leader"),
        ("重点项目", "is_key"),
        ("建设地点", "location"),
        ("阶段", "stage"),
    ]
}
REQUIRED = ("name", "stage", "planned_investment")


def preview(data: bytes, *, max_rows: int, db_session: Any, actor: User | None = None, notes: bool = True) -> Preview:
    """Parse and validate every row, and say what each update changes
    (app/imports/project_changes.py); nothing is written. `notes`: flag
    look-alike company names for the person (the commit goes without)."""
    sheet = read_table(data, ALIASES, REQUIRED, max_rows=max_rows)
    lookups, results, errors = validate_rows(sheet, _validate)
    _match_existing(results, db_session, notes=notes)
    _duplicates_within_file(results, errors)
    describe_changes(results, db_session, lookups, actor)
    return make_preview("projects", sheet, results, errors, lookups)


def _validate(number: int, record: dict[str, Any], lookups: Lookups) -> tuple[RowResult, list[CellProblem]]:
    problems: list[CellProblem] = []
    data: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        problems.append(CellProblem(number, LABELS[field], cell_text(record.get(field)), message))

    name, problem = cells.project_name(record.get("name"))
    if problem:
        fail("name", problem)
    data["name"] = name
    try:
        data["stage"] = cells.stage(record.get("stage"))
    except cells.CellError as exc:
        fail("stage", str(exc))
    try:
        amount = cells.amount_wan(record.get("planned_investment"))
        if amount is None:
            fail("planned_investment", "计划总投资不能为空。")
        data["planned_investment"] = amount
    except cells.CellError as exc:
        fail("planned_investment", str(exc))
    industry = cells.text(record.get("industry"))
    if industry:
        data["industry_id"] = lookups.ref_id(RefKind.INDUSTRY, industry)
        if data["industry_id"] is None:
            fail("industry", "产业类别不在基础数据列表中（见模板第二页）。")
    company = cells.text(record.get("company"))
    if len(company) > 200:
        fail("company", "投资方名称不能超过 200 个字符。")
    data["company_name"] = company or None
    code = cc.clean(cells.text(record.get("credit_code")))
    if code:
        problem = cc.problem(code)
        if problem:
            fail("credit_code", problem)
        elif not company:
            fail("credit_code", "填写统一社会信用代码时须同时填写投资方。")
    data["credit_code"] = code or None
    department = cells.text(record.get("department"))
    if department:
        data["lead_department_id"] = lookups.departments.get(department)
        if data["lead_department_id"] is None:
            fail("department", lookups.department_problem(department))
    # "王建国（常务副区长）" as lists and exports show a leader: the name counts.
    leader = cells.text(record.get("leader")).replace("(", "（").split("（", 1)[0].strip()
    if leader:
        ids = lookups.leaders.get(leader, [])
        if len(ids) != 1:
            fail("leader", "分包领导不是系统中的领导账号。" if not ids else "有重名领导，请在系统中指定。")
        else:
            data["responsible_leader_id"] = ids[0]
    try:
        data["is_key"] = cells.yes_no(record.get("is_key"))  # None: blank, keep what the project has
    except cells.CellError as exc:
        fail("is_key", str(exc))
    location = cells.text(record.get("location"))
    if len(location) > 200:
        fail("location", "项目地点不能超过 200 个字符。")
    data["location"] = location or None
    data["notes"] = cells.text(record.get("note")) or None  # 备注: never over the description
    return RowResult(row=number, data=data), problems


def _match_existing(results: list[RowResult], session: Any, *, notes: bool = True) -> None:
    """Find the companies and projects the rows name: two queries for the
    whole file. A row matches an existing project by company credit code,
    else by project name + company name."""
    codes = {r.data["credit_code"] for r in results if r.data.get("credit_code")}
    names = {normalize_company_name(r.data["company_name"]) for r in results if r.data.get("company_name")}
    names.discard("")
    companies = list(
        session.scalars(
            sa.select(Company).where(
                Company.merged_into_id.is_(None),
                sa.or_(Company.credit_code.in_(codes or [""]), Company.normalized_name.in_(names or [""])),
            )
        )
    )
    by_code = {c.credit_code: c for c in companies if c.credit_code}
    by_name: dict[str, Company] = {}
    for company in sorted(companies, key=lambda c: c.id):
        by_name.setdefault(company.normalized_name, company)
    for result in results:
        company = None
        if result.data.get("credit_code"):
            company = by_code.get(result.data["credit_code"])
        if company is None and result.data.get("company_name"):
            company = by_name.get(normalize_company_name(result.data["company_name"]))
        if company is not None:
            result.company_id = company.id
            result.company_note = f"企业库已有：{company.name}"
    if notes:
        flag_lookalikes([r for r in results if r.company_id is None], session)
    project_names = {r.data["name"] for r in results if r.data.get("name")}
    existing = session.execute(
        sa.select(Project.id, Project.name, Project.company_id).where(
            Project.name.in_(project_names or [""]), Project.archived_at.is_(None)
        )
    ).all()
    index = {(row.name, row.company_id): row.id for row in existing}
    for result in results:
        project_id = index.get((result.data.get("name"), result.company_id))
        if project_id is not None:
            result.action = "update"
            result.existing_id = project_id


def _duplicates_within_file(results: list[RowResult], errors: list[CellProblem]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for result in results:
        key = (result.data.get("name") or "", normalize_company_name(result.data.get("company_name") or ""))
        if not key[0]:
            continue
        if key in seen:
            errors.append(
                CellProblem(result.row, LABELS["name"], key[0], f"与第 {seen[key]} 行重复（同一项目名称和投资方）。")
            )
        else:
            seen[key] = result.row
