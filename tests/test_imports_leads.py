"""Lead ledger import: exact company matching, 撞单 flagged, idempotent,
errors listed, all-or-nothing; and the export → import round trip."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import Workbook

from app.db import db
from app.models import Company, ImportBatch, Lead
from tests import factories

HEADER = ["投资意向", "企业名称", "统一社会信用代码", "招商方式", "产业类别", "意向投资额（万元）", "联系人", "联系电话", "责任单位", "收集日期", "备注"]


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
    return client.post("/imports/leads", data={"file": (io.BytesIO(data), "线索.xlsx")}, content_type="multipart/form-data")


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
    upload(client, workbook([["商业综合体", "华润置地（郑州）有限公司", "", "外出招商", "现代商贸", "5亿", "", "", "柳林镇", "2026-03-01", ""]]))
    assert "导入完成" in commit(client).get_data(as_text=True)
    client.post("/auth/logout")
    login_as("staff", department=mine)
    html = upload(client, workbook([
        ["商业综合体二期", "华润置地(郑州)有限公司", "", "以商招商", "现代商贸", "3,000", "张经理", "13800000000", "河口镇", "2026年4月2日", "初次接触"],
        ["数据中心", "某某数据科技有限公司", "91310115MA1K3BTP2B", "", "科技服务", "8000万", "", "", "", "", ""],
    ])).get_data(as_text=True)
    assert "企业库已有：华润置地（郑州）有限公司" in html and "撞单：柳林镇" in html
    assert "将新增 2 条、更新 0 条" in html
    commit(client)
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2
    second = db.session.scalar(sa.select(Lead).where(Lead.title == "商业综合体二期"))
    assert second.has_conflict and second.owner_department_id == mine.id
    assert str(second.received_on) == "2026-04-02"
    html = upload(client, workbook([["数据中心", "某某数据科技有限公司", "91310115MA1K3BTP2B", "", "科技服务", "9000万", "", "", "", "", ""]])).get_data(as_text=True)
    assert "将新增 0 条、更新 1 条" in html
    commit(client)
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 3
    assert db.session.scalar(sa.select(Lead.intended_investment).where(Lead.title == "数据中心")) == 9000


def test_lead_row_errors(client, login_as):
    login_as("staff")
    html = upload(client, workbook([
        ["", "", "123", "飞鸽传书", "未知产业", "很多", "", "", "火星街道", "2026-02-30", ""],
    ])).get_data(as_text=True)
    for message in ("投资意向不能为空", "企业名称不能为空", "统一社会信用代码应为 18 位", "招商方式不在基础数据列表中",
                    "产业类别不在基础数据列表中", "金额格式无法识别", "责任单位不在系统部门列表中", "日期格式"):
        assert message in html, message
    commit(client)
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 0
