"""Excel import over the API: a dry run reports what would be created and
updated, `?commit=1` writes all or nothing (422 with every error by row and
column, nothing written), a re-import updates, scope and roles are the
import pages' rules, and hostile or wrong files get clear 4xx answers."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app.db import db
from app.models import AuditLog, ImportBatch, Lead, Project
from tests import factories
from tests.factories_api import bearer
from tests.test_imports import ledger, row
from tests.test_imports_leads import workbook


def post(client, kind: str, data: bytes, user, *, commit: bool = False, name: str = "台账.xlsx"):
    return client.post(
        f"/api/v1/imports/{kind}" + ("?commit=1" if commit else ""),
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=bearer(user),
    )


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_dry_run_then_commit_then_reimport_updates(client):
    admin = factories.user("admin")
    factories.department("侯寨乡")
    db.session.commit()
    data = ledger(
        [
            row(1, "仲景医药健康产业园", "仲景宛西制药股份有限公司", amount="3.5亿", stage="落地库", dept="侯寨乡"),
            row(2, "比亚迪品牌形象体验中心", "比亚迪汽车销售有限公司", amount="12,000", stage="签约"),
        ]
    )
    dry = post(client, "projects", data, admin)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json() == {
        "committed": False,
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "to_confirm": [],
        "errors": [],
        "error": None,
    }
    assert count(Project) == 0
    committed = post(client, "projects", data, admin, commit=True)
    assert committed.status_code == 200 and committed.get_json()["committed"] is True
    assert committed.get_json()["created"] == 2 and count(Project) == 2
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    assert entry.changes["created"] == 2 and entry.user_id == admin.id
    assert db.session.scalar(sa.select(ImportBatch.status)) == "committed"
    again = post(client, "projects", data, admin, commit=True).get_json()
    assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 2 and count(Project) == 2


def test_one_bad_row_refuses_the_whole_file_with_row_and_column(client):
    admin = factories.user("admin")
    db.session.commit()
    rows = [row(n, f"项目{n}", amount="1000") for n in range(1, 50)]
    rows[30] = row(31, "坏行项目", amount="大约三千万")
    response = post(client, "projects", ledger(rows), admin, commit=True)
    assert response.status_code == 422
    body = response.get_json()
    assert body["committed"] is False and body["error"]["code"] == "invalid"
    assert len(body["errors"]) == 1
    problem = body["errors"][0]
    assert problem["column"] == "计划总投资(万元)" and problem["value"] == "大约三千万" and problem["message"]
    assert problem["row"] > 31  # the sheet's own row number (title rows above)
    assert count(Project) == 0


def test_lead_ledger_over_the_api(client):
    staff = factories.user("staff", department=factories.department("河口镇"))
    db.session.commit()
    data = workbook(
        [["数据中心", "某某数据科技有限公司", "91310115MA1K3BTP2B", "", "科技服务", "8000万", "", "", "", "", ""]]
    )
    response = post(client, "leads", data, staff, commit=True)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 1
    lead = db.session.scalar(sa.select(Lead))
    assert lead.owner_department_id == staff.department_id and lead.intended_investment == 8000


def test_scope_roles_and_wrong_files(client):
    mine = factories.department("河口镇")
    factories.department("柳林镇")
    staff = factories.user("staff", department=mine)
    viewer = factories.user("viewer")
    db.session.commit()
    outside = post(client, "projects", ledger([row(1, "越权项目", dept="柳林镇")]), staff, commit=True)
    assert outside.status_code == 422 and "无权导入其他部门的数据" in outside.get_data(as_text=True)
    assert post(client, "projects", ledger([row(1, "某项目")]), viewer).status_code == 403
    not_xlsx = post(client, "projects", b"name,amount\nx,1\n", staff, name="台账.csv")
    assert not_xlsx.status_code == 422 and ".xlsx" in not_xlsx.get_json()["error"]["message"]
    no_file = client.post(
        "/api/v1/imports/projects", data={}, content_type="multipart/form-data", headers=bearer(staff)
    )
    assert no_file.status_code == 400 and no_file.get_json()["error"]["code"] == "bad_request"
    assert count(Project) == 0


def test_a_file_over_the_size_limit_is_413(client, app, monkeypatch):
    staff = factories.user("staff")
    db.session.commit()
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024)
    response = post(client, "projects", b"PK" + b"\0" * 4096, staff)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
