"""Downloadable .xlsx templates: Chinese headers (required ones marked *),
one example row, and a second sheet listing the allowed values."""

from __future__ import annotations

import sqlalchemy as sa
from openpyxl import Workbook

from app.db import db
from app.imports import approvals as approval_import
from app.imports import investments as investment_import
from app.imports import leads as lead_import
from app.imports import projects as project_import
from app.models import Department, RefItem, RefKind, Role, User
from app.xlsx import add_sheet, new_workbook

SPECS = {"projects": (project_import.HEADERS, "项目台账"), "leads": (lead_import.HEADERS, "线索台账")}
# Kinds whose template is laid out by the kind itself (a title naming the month).
BUILDERS = {"investments": investment_import.template_workbook, "approvals": approval_import.template_workbook}
EXAMPLES = {
    "leads": {
        "title": "新能源汽车零部件生产基地",
        "company": "比亚迪股份有限公司",
        "credit_code": "",
        "source": "产业链招商",
        "industry": "智能制造",
        "amount": "5亿",
        "contact_name": "王经理",
        "contact_phone": "13800000000",
        "department": "",
        "received_on": "2026-03-15",
        "note": "",
    },
    "projects": {
        "name": "比亚迪新能源汽车零部件产业园",
        "stage": "招引库",
        "planned_investment": "3.5亿",
        "industry": "智能制造",
        "company": "比亚迪股份有限公司",
        "credit_code": "",
        "department": "",
        "leader": "",
        "is_key": "是",
        "location": "经开区",
        "note": "",
    },
}


def _allowed_values(kind: str) -> list[tuple[str, str]]:
    refs = db.session.execute(
        sa.select(RefItem.kind, RefItem.name).where(RefItem.active.is_(True)).order_by(RefItem.kind, RefItem.sort_order)
    ).all()
    by_kind: dict[RefKind, list[str]] = {}
    for ref_kind, name in refs:
        by_kind.setdefault(ref_kind, []).append(name)
    departments = db.session.scalars(
        sa.select(Department.name).where(Department.active.is_(True)).order_by(Department.sort_order, Department.id)
    ).all()
    rows = [
        ("项目阶段", "谋划 / 招引 / 签约 / 落地 / 开工 / 投产 / 退出（可带“库”字）"),
        ("计划总投资(万元)", "3500、3,500、3500万、3.5亿（亿元自动换算为万元）"),
        ("是否重点项目", "是 / 否"),
        ("产业类别", " / ".join(by_kind.get(RefKind.INDUSTRY, []))),
        ("责任单位", " / ".join(departments)),
    ]
    if kind == "leads":
        rows.insert(0, ("招商方式", " / ".join(by_kind.get(RefKind.SOURCE, []))))
        rows.append(("收集日期", "2026-03-15 或 2026年3月15日"))
    if kind == "projects":
        leaders = db.session.scalars(
            sa.select(User.name).where(User.role == Role.LEADER, User.active.is_(True)).order_by(User.name)
        ).all()
        rows.append(("分包领导", " / ".join(leaders)))
    return rows


def template_workbook(kind: str) -> Workbook:
    if kind in BUILDERS:
        return BUILDERS[kind]()
    spec, title = SPECS[kind]
    headers = [f"{h}*" if required else h for h, _field, required in spec]
    example = [EXAMPLES[kind].get(field, "") for _h, field, _required in spec]
    workbook = new_workbook()
    add_sheet(workbook, title, headers, [example])
    add_sheet(workbook, "可选值", ["字段", "可选值"], _allowed_values(kind))
    return workbook
