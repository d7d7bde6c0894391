"""Export → import round trip: what a list exports re-imports cleanly —
the same records are recognised and updated, nothing is duplicated, and
the values survive."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import sqlalchemy as sa

from app.companies.services import create_company
from app.db import db
from app.leads.services import create_lead
from app.lookups import ref_id
from app.models import Company, ImportBatch, Lead, Project, RefKind, Stage
from app.projects.services import create_project
from tests import factories


def _reimport(client, kind: str, data: bytes) -> str:
    preview = client.post(
        f"/imports/{kind}", data={"file": (io.BytesIO(data), "export.xlsx")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    done = client.post(f"/imports/batches/{batch_id}/commit").get_data(as_text=True)
    return preview + done


def test_lead_export_reimports_as_updates(client, login_as):
    staff = login_as("staff")
    for n, (company, amount) in enumerate(
        [("华润置地（郑州）有限公司", "35000"), ("郑州宇通客车股份有限公司", "1200.5")]
    ):
        create_lead(
            {
                "title": f"投资意向{n}",
                "company_name": company,
                "company_choice": "new",
                "source_id": ref_id(RefKind.SOURCE, "外出招商"),
                "industry_id": ref_id(RefKind.INDUSTRY, "现代商贸"),
                "intended_investment": Decimal(amount),
                "contact_name": "张经理",
                "contact_phone": "13800000000",
                "owner_department_id": staff.department_id,
                "received_on": dt.date(2026, 3, n + 1),
            },
            staff,
        )
    db.session.commit()
    exported = client.get("/leads/export.xlsx")
    assert exported.status_code == 200
    html = _reimport(client, "leads", exported.data)
    # An export re-imported changes nothing, and says so.
    assert "将新增 0 条、更新 0 条、不变 2 条" in html and "另有 2 条与系统一致，未改动" in html
    assert "未识别的列" in html  # e.g. 状态: reported, not silently dropped, and not blocking
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2
    lead = db.session.scalar(sa.select(Lead).where(Lead.title == "投资意向1"))
    assert lead.intended_investment == Decimal("1200.5") and lead.received_on == dt.date(2026, 3, 2)
    assert lead.contact_name == "张经理"


def test_project_export_reimports_as_updates(client, login_as):
    admin = login_as("admin")
    dept = factories.department("经济技术开发区管委会")
    leader = factories.user("leader", name="王建国", title="常务副区长")
    db.session.commit()
    company = create_company({"name": "比亚迪股份有限公司"}, admin)
    create_project(
        {
            "name": "新能源汽车零部件产业园",
            "company_id": company.id,
            "planned_investment": Decimal("350000"),
            "lead_department_id": dept.id,
            "responsible_leader_id": leader.id,
            "is_key": True,
            "industry_id": ref_id(RefKind.INDUSTRY, "智能制造"),
            "location": "经开区",
        },
        admin,
        stage=Stage.SIGNED,
    )
    create_project(
        {"name": "谋划中的TOD开发", "planned_investment": Decimal("600000"), "lead_department_id": dept.id}, admin
    )
    db.session.commit()
    exported = client.get("/projects/export.xlsx")
    assert exported.status_code == 200
    html = _reimport(client, "projects", exported.data)
    # An export re-imported changes nothing, and says so.
    assert "将新增 0 条、更新 0 条、不变 2 条" in html
    assert "导入完成：新增 0 条，更新 0 条。另有 2 条与系统一致，未改动。" in html
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 2
    park = db.session.scalar(sa.select(Project).where(Project.name == "新能源汽车零部件产业园"))
    assert park.stage is Stage.SIGNED and park.planned_investment == Decimal("350000")
    assert park.responsible_leader_id == leader.id and park.lead_department_id == dept.id and park.is_key
