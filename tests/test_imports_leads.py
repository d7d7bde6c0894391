"""Lead ledger import: exact company matching, 撞单 flagged, idempotent,
errors listed, all-or-nothing; and the export → import round trip."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.db import db
from app.models import Company, ImportBatch, Lead
from tests import factories

HEADER = [
    "投资意向",
    "企业名称",
    "统一社会信用代码",
    "招商方式",
    "产业类别",
    "意向投资额（万元）",
    "联系人",
    "联系电话",
    "责任单位",
    "收集日期",
    "备注",
]


def workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年上半年招商线索台账"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    ws.append(["合计", len(rows)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes):
    return client.post(
        "/imports/leads", data={"file": (io.BytesIO(data), "线索.xlsx")}, content_type="multipart/form-data"
    )


def commit(client):
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    return client.post(f"/imports/batches/{batch_id}/commit")


def test_leads_import_link_existing_companies_and_flag_conflicts(client, login_as):
    other = factories.department("柳林镇")
    mine = factories.department("河口镇")
    db.session.commit()
    staff_other = factories.user("staff", department=other)
    db.session.commit()
    login_as(staff_other)
    upload(
        client,
        workbook(
            [
                [
                    "商业综合体",
                    "华润置地（郑州）有限公司",
                    "",
                    "外出招商",
                    "现代商贸",
                    "5亿",
                    "",
                    "",
                    "柳林镇",
                    "2026-03-01",
                    "",
                ]
            ]
        ),
    )
    assert "导入完成" in commit(client).get_data(as_text=True)
    client.post("/auth/logout")
    login_as("staff", department=mine)
    html = upload(
        client,
        workbook(
            [
                [
                    "商业综合体二期",
                    "华润置地(郑州)有限公司",
                    "",
                    "以商招商",
                    "现代商贸",
                    "3,000",
                    "张经理",
                    "13800000000",
                    "河口镇",
                    "2026年4月2日",
                    "初次接触",
                ],
                [
                    "数据中心",
                    "某某数据科技有限公司",
                    "91310115MA1K3BTP2B",
                    "",
                    "科技服务",
                    "8000万",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            ]
        ),
    ).get_data(as_text=True)
    assert "企业库已有：华润置地（郑州）有限公司" in html and "撞单：柳林镇" in html
    assert "将新增 2 条、更新 0 条" in html
    commit(client)
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2
    second = db.session.scalar(sa.select(Lead).where(Lead.title == "商业综合体二期"))
    assert second.has_conflict and second.owner_department_id == mine.id
    assert str(second.received_on) == "2026-04-02"
    html = upload(
        client,
        workbook(
            [["数据中心", "某某数据科技有限公司", "91310115MA1K3BTP2B", "", "科技服务", "9000万", "", "", "", "", ""]]
        ),
    ).get_data(as_text=True)
    assert "将新增 0 条、更新 1 条" in html
    commit(client)
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 3
    assert db.session.scalar(sa.select(Lead.intended_investment).where(Lead.title == "数据中心")) == 9000


def test_lead_row_errors(client, login_as):
    login_as("staff")
    html = upload(
        client,
        workbook(
            [
                ["", "", "123", "飞鸽传书", "未知产业", "很多", "", "", "火星街道", "2026-02-30", ""],
            ]
        ),
    ).get_data(as_text=True)
    for message in (
        "投资意向不能为空",
        "企业名称不能为空",
        "统一社会信用代码应为 18 位",
        "招商方式不在基础数据列表中",
        "产业类别不在基础数据列表中",
        "金额格式无法识别",
        "不在系统部门列表中",
        "日期格式",
    ):
        assert message in html, message
    commit(client)
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 0


@pytest.mark.parametrize("batch", [2, 500])
def test_new_companies_are_inserted_in_batches_with_the_same_outcome(client, login_as, monkeypatch, batch):
    """Rows creating a lead on a new company are inserted a batch at a time,
    the others one by one afterwards: every lead, company, status row, 首报,
    撞单 and audit entry is what the row-by-row services write."""
    from app.imports import leads_commit as lead_import
    from app.models import AuditLog, CompanyConflict, LeadStatusChange

    monkeypatch.setattr(lead_import, "BATCH", batch)
    east, west = factories.department("东城街道"), factories.department("西城街道")
    db.session.commit()
    login_as("admin")
    upload(client, workbook([["老项目", "已有实业有限公司", "", "", "", "100", "", "", "东城街道", "2026-01-05", ""]]))
    assert "导入完成" in commit(client).get_data(as_text=True)
    before_audit = db.session.scalar(sa.select(sa.func.max(AuditLog.id)))
    rows = [
        ["甲项目", "甲新材料有限公司", "", "", "", "10", "", "", "东城街道", "2026-02-01", ""],
        ["已有企业新项目", "已有实业有限公司", "", "", "", "20", "", "", "西城街道", "2026-02-02", ""],
        ["乙项目", "乙智能装备有限公司", "", "", "", "30", "", "", "东城街道", "2026-02-03", ""],
        ["甲二期", "甲新材料有限公司", "", "", "", "40", "", "", "西城街道", "2026-02-04", ""],
        ["丙项目", "丙数据科技有限公司", "91310115MA1K3BTP2B", "", "", "50", "", "", "西城街道", "2026-02-05", ""],
        ["丁项目", "丁生物医药有限公司", "", "", "", "60", "", "", "东城街道", "2026-02-06", ""],
    ]
    upload(client, workbook(rows))
    assert "导入完成" in commit(client).get_data(as_text=True)

    leads = {lead.title: lead for lead in db.session.scalars(sa.select(Lead))}
    assert set(leads) == {"老项目", *(r[0] for r in rows)}
    companies = {c.name: c for c in db.session.scalars(sa.select(Company))}
    assert set(companies) == {
        "已有实业有限公司",
        "甲新材料有限公司",
        "乙智能装备有限公司",
        "丙数据科技有限公司",
        "丁生物医药有限公司",
    }
    assert leads["甲二期"].company_id == leads["甲项目"].company_id == companies["甲新材料有限公司"].id
    assert companies["丙数据科技有限公司"].credit_code == "91310115MA1K3BTP2B"
    # 首报: each new company is held by its first row's department.
    assert companies["甲新材料有限公司"].first_department_id == east.id
    assert companies["丙数据科技有限公司"].first_department_id == west.id
    assert str(companies["乙智能装备有限公司"].first_reported_on) == "2026-02-03"
    # 撞单 for the existing company and for the new one named again by another department.
    conflicts = {
        (c.company_id, c.holder_department_id, c.claimant_department_id)
        for c in db.session.scalars(sa.select(CompanyConflict))
    }
    assert conflicts == {
        (companies["已有实业有限公司"].id, east.id, west.id),
        (companies["甲新材料有限公司"].id, east.id, west.id),
    }
    flagged = {title for title, lead in leads.items() if lead.has_conflict}
    assert flagged == {"老项目", "已有企业新项目", "甲项目", "甲二期"}
    # Status history and audit entries, one per record, pointing at it.
    for lead in leads.values():
        assert db.session.scalar(sa.select(sa.func.count()).where(LeadStatusChange.lead_id == lead.id)) == 1
        assert lead.owner_department_id == (
            east.id if lead.title in {"老项目", "甲项目", "乙项目", "丁项目"} else west.id
        )
    created = db.session.execute(
        sa.select(AuditLog.entity, AuditLog.entity_id).where(AuditLog.id > before_audit, AuditLog.action == "create")
    ).all()
    assert sorted(i for e, i in created if e == "lead") == sorted(leads[r[0]].id for r in rows)
    new_names = {"甲新材料有限公司", "乙智能装备有限公司", "丙数据科技有限公司", "丁生物医药有限公司"}
    assert sorted(i for e, i in created if e == "company") == sorted(companies[n].id for n in new_names)


@pytest.mark.parametrize("batch", [1, 500])
def test_rows_on_companies_on_file_are_batched_with_the_same_first_report_and_conflicts(
    client, login_as, monkeypatch, batch
):
    """Rows creating leads on companies already on file go in batches too:
    an unheld company is held by the department of its first row in the file,
    a later row of another department opens a 撞单 (audited), a department
    admin ruled 共同跟进 opens none, and an update row between them sees the
    rows before it written."""
    from app.imports import leads_commit as lead_import
    from app.models import AuditLog, CompanyConflict, ConflictStatus

    monkeypatch.setattr(lead_import, "BATCH", batch)
    east, west, south = (factories.department(n) for n in ("东城街道", "西城街道", "南湖街道"))
    unheld = Company(name="无主实业有限公司", normalized_name="无主实业有限公司")
    db.session.add(unheld)
    db.session.commit()
    login_as("admin")
    upload(
        client, workbook([["共享老项目", "共享科技有限公司", "", "", "", "5", "", "", "东城街道", "2026-01-05", ""]])
    )
    assert "导入完成" in commit(client).get_data(as_text=True)
    shared = db.session.scalar(sa.select(Company).where(Company.name == "共享科技有限公司"))
    old = db.session.scalar(sa.select(Lead).where(Lead.title == "共享老项目"))
    db.session.add(
        CompanyConflict(
            company_id=shared.id,
            lead_id=old.id,
            holder_department_id=east.id,
            claimant_department_id=west.id,
            status=ConflictStatus.SHARED,
        )
    )
    db.session.commit()
    before_audit = db.session.scalar(sa.select(sa.func.max(AuditLog.id)))

    rows = [
        ["无主一期", "无主实业有限公司", "", "", "", "10", "", "", "南湖街道", "2026-03-01", ""],
        ["无主二期", "无主实业有限公司", "", "", "", "20", "", "", "西城街道", "2026-03-02", ""],
        ["共享老项目", "共享科技有限公司", "", "", "", "7", "", "", "东城街道", "2026-01-05", ""],
        ["共享新项目", "共享科技有限公司", "", "", "", "30", "", "", "西城街道", "2026-03-03", ""],
        ["共享三期", "共享科技有限公司", "", "", "", "40", "", "", "南湖街道", "2026-03-04", ""],
    ]
    upload(client, workbook(rows))
    assert "导入完成" in commit(client).get_data(as_text=True)

    db.session.expire_all()
    leads = {lead.title: lead for lead in db.session.scalars(sa.select(Lead))}
    assert db.session.get(Company, unheld.id).first_department_id == south.id
    assert str(db.session.get(Company, unheld.id).first_reported_on) == "2026-03-01"
    assert leads["共享老项目"].intended_investment == 7  # the update row
    opened = {
        (c.company_id, c.lead_id, c.holder_department_id, c.claimant_department_id)
        for c in db.session.scalars(sa.select(CompanyConflict).where(CompanyConflict.status == ConflictStatus.OPEN))
    }
    assert opened == {
        (unheld.id, leads["无主二期"].id, south.id, west.id),
        (shared.id, leads["共享三期"].id, east.id, south.id),
    }
    flagged = {title for title, lead in leads.items() if lead.has_conflict}
    assert flagged == {"无主一期", "无主二期", "共享老项目", "共享三期"}
    detected = db.session.scalars(
        sa.select(AuditLog.entity_id).where(AuditLog.id > before_audit, AuditLog.action == "detect")
    ).all()
    assert len(detected) == 2
    created = db.session.scalars(
        sa.select(AuditLog.entity_id).where(
            AuditLog.id > before_audit, AuditLog.action == "create", AuditLog.entity == "lead"
        )
    ).all()
    assert sorted(created) == sorted(leads[t].id for t in ("无主一期", "无主二期", "共享新项目", "共享三期"))


def test_rows_written_past_the_orm_are_what_the_services_write(client, login_as):
    """The import inserts its new companies, leads and 撞单 rows without the
    ORM: the companies' search columns are the name's own (pinyin included),
    each record has its audit entry, and the report facts and rollups kept
    in the same transaction equal those `flask facts rebuild` computes."""
    from app import facts, rollups
    from app.companies.names import normalize_company_name
    from app.models import AuditLog, LeadFact, ProjectFact, ReportRollup
    from app.search import search_text

    east, west = factories.department("东城街道"), factories.department("西城街道")
    db.session.commit()
    login_as("admin")
    upload(client, workbook([["老项目", "已有实业有限公司", "", "", "", "100", "", "", "东城街道", "2026-01-05", ""]]))
    assert "导入完成" in commit(client).get_data(as_text=True)
    before_audit = db.session.scalar(sa.select(sa.func.max(AuditLog.id)))
    rows = [
        [
            "智能工厂",
            "ABC华为技术（深圳）有限公司",
            "91310115MA1K3BTP2B",
            "外出招商",
            "现代商贸",
            "5亿",
            "张经理",
            "",
            "东城街道",
            "2026-02-01",
            "首谈",
        ],
        ["二期", "已有实业有限公司", "", "以商招商", "", "3,000", "", "", "西城街道", "2026-02-02", ""],
        ["仓储", "ABC华为技术(深圳)有限公司", "", "", "", "", "", "", "西城街道", "2026-02-03", ""],
        ["重庆总部", "重庆长安汽车股份有限公司", "", "", "", "800万", "", "", "西城街道", "", ""],
    ]
    upload(client, workbook(rows))
    assert "导入完成" in commit(client).get_data(as_text=True)

    db.session.expire_all()
    for company in db.session.scalars(sa.select(Company)):
        assert company.normalized_name == normalize_company_name(company.name)
        assert company.search_text == search_text(company.name, company.credit_code)
    huawei = db.session.scalar(sa.select(Company).where(Company.credit_code == "91310115MA1K3BTP2B"))
    assert "hwjs" in huawei.search_text and "huaweijishu" in huawei.search_text
    assert (huawei.first_department_id, huawei.version) == (east.id, 1)
    leads = {lead.title: lead for lead in db.session.scalars(sa.select(Lead))}
    assert (leads["仓储"].company_id, leads["仓储"].owner_department_id) == (huawei.id, west.id)
    assert leads["仓储"].has_conflict and leads["智能工厂"].has_conflict
    assert (leads["智能工厂"].version, leads["智能工厂"].created_at is not None) == (1, True)

    entries = db.session.execute(
        sa.select(AuditLog.action, AuditLog.entity, AuditLog.entity_id, AuditLog.changes)
        .where(AuditLog.id > before_audit)
        .order_by(AuditLog.id)
    ).all()
    created = {(e.entity, e.entity_id): e.changes for e in entries if e.action == "create"}
    assert set(created) == {
        ("company", c.id) for c in db.session.scalars(sa.select(Company)) if c.name != "已有实业有限公司"
    } | {("lead", leads[r[0]].id) for r in rows}
    assert created[("company", huawei.id)] == {
        "name": "ABC华为技术（深圳）有限公司",
        "credit_code": "91310115MA1K3BTP2B",
        "hq_region": None,
        "industry_id": huawei.industry_id,
        "notes": None,
        "tiers": [],
    }
    factory = created[("lead", leads["智能工厂"].id)]
    assert factory["company_id"] == huawei.id and factory["intended_investment"] == "50000"
    assert (factory["received_on"], factory["description"], factory["owner_user_id"]) == ("2026-02-01", "首谈", None)
    assert sorted(e.entity for e in entries if e.action == "detect") == ["company_conflict", "company_conflict"]

    def kept() -> list[list[tuple]]:
        tables = (LeadFact.__table__, ProjectFact.__table__, ReportRollup.__table__)
        return [[tuple(r) for r in db.session.execute(sa.select(t).order_by(*t.primary_key.columns))] for t in tables]

    before = kept()
    assert len(before[0]) == len(leads) == 5 and before[2], "facts and rollups kept"
    facts.rebuild(db.session.connection())
    rollups.rebuild(db.session.connection())
    assert kept() == before
    db.session.rollback()
