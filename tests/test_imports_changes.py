"""Imports that show what they change (issue 15): re-importing a ledger
over existing projects shows each field before → after; a tenfold amount
change waits for confirmation; a backward stage move or an exit is shown
and not applied; 备注 goes to the notes, not over the description; a blank
cell keeps the value; the result page says what was done, with links;
ledger names of departments are read as offices write them, and an admin
maps the unknown ones once."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from app.db import db
from app.models import AuditLog, DepartmentAlias, ImportBatch, Project, Stage
from app.projects.services import create_project
from tests import factories
from tests.test_imports import commit, ledger, upload


def line(n, name, amount, stage, *, dept="", location="", note="", key="是", industry=""):
    return [n, name, "", "", industry, amount, stage, dept, "", key, location, note]


def _projects(admin):
    dept = factories.department("区发展和改革委员会")
    db.session.commit()
    big = create_project(
        {
            "name": "华润科技文化智慧城",
            "planned_investment": Decimal("800000"),
            "lead_department_id": dept.id,
            "is_key": True,
            "location": "嵩山路",
            "description": "打造科技文化融合的城市综合体。",
        },
        admin,
        stage=Stage.ATTRACTING,
    )
    built = create_project(
        {"name": "仲景医药健康产业园", "planned_investment": Decimal("35000"), "lead_department_id": dept.id},
        admin,
        stage=Stage.CONSTRUCTION,
    )
    db.session.commit()
    return dept, big, built


def test_the_preview_shows_every_change_and_flags_what_the_page_would_refuse(client, login_as):
    admin = login_as("admin")
    _projects(admin)
    html = upload(
        client,
        ledger(
            [
                line(1, "华润科技文化智慧城", "8亿", "招引", dept="区发改委", note="洽谈中"),
                line(2, "仲景医药健康产业园", "3.5亿", "落地库", dept="区发改委", location="大学路沿线"),
            ]
        ),
    ).get_data(as_text=True)
    assert "计划总投资（万元）：800,000 → <strong>80,000</strong>" in html
    assert "变化 10 倍以上，请核对单位" in html
    assert "备注：— → <strong>洽谈中</strong>" in html
    assert "项目地点：— → <strong>大学路沿线</strong>" in html
    assert "阶段不后退" in html and "<s>落地</s>（系统为 开工）" in html
    assert "项目地点：嵩山路" not in html  # a blank cell is no change
    assert 'name="confirm_changes"' in html


def test_a_tenfold_change_is_written_only_when_confirmed(client, login_as):
    admin = login_as("admin")
    _dept, big, built = _projects(admin)
    data = ledger(
        [
            line(1, "华润科技文化智慧城", "8亿", "招引", dept="区发改委", note="洽谈中"),
            line(2, "仲景医药健康产业园", "3.5亿", "落地库", dept="区发改委", key=""),
        ]
    )
    upload(client, data)
    refused = commit(client).get_data(as_text=True)
    assert "金额变化 10 倍以上" in refused and "未导入任何数据" in refused
    db.session.expire_all()
    assert db.session.get(Project, big.id).planned_investment == Decimal("800000")

    upload(client, data)
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    done = client.post(f"/imports/batches/{batch_id}/commit", data={"confirm_changes": "1"}).get_data(as_text=True)
    assert "导入完成：新增 0 条，更新 1 条。另有 1 条与系统一致，未改动。" in done
    db.session.expire_all()
    big, built = db.session.get(Project, big.id), db.session.get(Project, built.id)
    assert big.planned_investment == Decimal("80000") and big.notes == "洽谈中"
    assert big.description == "打造科技文化融合的城市综合体。"  # 备注 never over the description
    assert big.location == "嵩山路"  # the blank cell kept it
    assert built.stage is Stage.CONSTRUCTION  # not moved back


def test_the_result_page_says_what_was_done_with_links(client, login_as):
    admin = login_as("admin")
    _dept, big, built = _projects(admin)
    upload(
        client,
        ledger(
            [
                line(1, "华润科技文化智慧城", "80亿", "签约", dept="区发改委"),
                line(2, "仲景医药健康产业园", "3.5亿", "开工", dept="区发改委", key=""),
                line(3, "二七区全民健身运动中心", "45000", "签约库", dept="区发改委"),
            ]
        ),
    )
    commit(client)
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    page = client.get(f"/imports/batches/{batch_id}").get_data(as_text=True)
    created = db.session.scalar(sa.select(Project).where(Project.name == "二七区全民健身运动中心"))
    assert f'href="/projects/{created.id}">二七区全民健身运动中心</a>' in page
    assert f'href="/projects/{big.id}">华润科技文化智慧城</a> <span class="text-muted">（项目阶段）</span>' in page
    assert f'href="/projects/{built.id}">仲景医药健康产业园</a>' in page
    assert "与系统一致，未改动" in page and 'class="navbar' in page
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    assert (entry.changes["created"], entry.changes["updated"], entry.changes["unchanged"]) == (1, 1, 1)


def test_an_exit_through_a_ledger_is_shown_not_applied(client, login_as):
    admin = login_as("admin")
    _dept, big, _built = _projects(admin)
    html = upload(client, ledger([line(1, "华润科技文化智慧城", "80亿", "退出", dept="区发改委")])).get_data(
        as_text=True
    )
    assert "退出须在项目页面填写退出原因" in html
    commit(client)
    db.session.expire_all()
    assert db.session.get(Project, big.id).stage is Stage.ATTRACTING


def test_department_names_as_offices_write_them(client, login_as):
    login_as("admin")
    factories.department("区卫生健康委员会")
    factories.department("经济技术开发区管委会")
    db.session.commit()
    html = upload(
        client,
        ledger(
            [
                line(1, "甲项目", "3500", "招引", dept="区卫健委"),
                line(2, "乙项目", "3500", "招引", dept="二七经开区管委会"),
                line(3, "丙项目", "3500", "招引", dept="侯寨乡"),
            ]
        ),
    ).get_data(as_text=True)
    assert "区卫健委" not in html.split("未识别的责任单位")[-1]  # read by the abbreviation rules
    assert "责任单位「二七经开区管委会」不在系统部门列表中。是否为：经济技术开发区管委会？" in html
    assert "责任单位「侯寨乡」不在系统部门列表中。系统中没有相近的部门。" in html
    assert "记住对应关系并重新校验" in html


def test_an_admin_maps_an_unknown_name_once(client, login_as):
    login_as("admin")
    zone = factories.department("经济技术开发区管委会")
    db.session.commit()
    data = ledger([line(1, "乙项目", "3500", "招引", dept="二七经开区管委会")])
    upload(client, data)
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    page = client.post(
        f"/imports/batches/{batch_id}/departments",
        data={"name": ["二七经开区管委会"], "department_id": [str(zone.id)]},
    ).get_data(as_text=True)
    assert "已记住 1 个部门名称的对应关系" in page and "校验通过" in page
    assert db.session.scalar(sa.select(DepartmentAlias.department_id)) == zone.id
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "department")).summary.endswith(
        "别名「二七经开区管委会」"
    )
    again = upload(client, data).get_data(as_text=True)  # next time: recognised
    assert "校验通过" in again
    commit(client)
    assert db.session.scalar(sa.select(Project.lead_department_id).where(Project.name == "乙项目")) == zone.id


def test_staff_see_the_unknown_names_but_cannot_map_them(client, login_as):
    staff = login_as("staff")
    html = upload(client, ledger([line(1, "丙项目", "3500", "招引", dept="侯寨乡")])).get_data(as_text=True)
    assert "请联系管理员在导入预览中把它们对应到系统部门" in html
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    refused = client.post(
        f"/imports/batches/{batch_id}/departments",
        data={"name": ["侯寨乡"], "department_id": [str(staff.department_id)]},
    )
    assert refused.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(DepartmentAlias.id))) == 0


def test_a_lead_ledger_shows_its_changes_too(client, login_as):
    from app.models import Lead
    from tests import factories_leads as fl
    from tests.test_imports_leads import upload as upload_leads
    from tests.test_imports_leads import workbook

    staff = login_as("staff")
    lead = fl.lead(
        company=fl.company("华润置地（郑州）有限公司"),
        department=staff.department,
        owner=staff,
        title="商业综合体",
        intended_investment=Decimal("50000"),
        contact_name="张经理",
    )
    db.session.commit()
    dept = staff.department.name
    html = upload_leads(
        client, workbook([["商业综合体", "华润置地（郑州）有限公司", "", "", "", "5000", "", "", dept, "", "已回访"]])
    ).get_data(as_text=True)
    assert "意向投资额（万元）：50,000 → <strong>5,000</strong>" in html and "变化 10 倍以上" in html
    assert "备注：— → <strong>已回访</strong>" in html
    assert "联系人" not in html.split("行号")[-1]  # the blank 联系人 cell changes nothing
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    client.post(f"/imports/batches/{batch_id}/commit", data={"confirm_changes": "1"})
    db.session.expire_all()
    lead = db.session.get(Lead, lead.id)
    assert (lead.intended_investment, lead.contact_name, lead.description) == (Decimal("5000"), "张经理", "已回访")


def test_a_record_outside_the_importers_scope_shows_nothing_of_itself(client, login_as):
    from tests import factories_leads as fl
    from tests.test_imports_leads import upload as upload_leads
    from tests.test_imports_leads import workbook

    west = factories.department("西城街道")
    fl.lead(
        company=fl.company("华润置地（郑州）有限公司"),
        department=west,
        title="商业综合体",
        contact_name="张经理",
        description="机密：对方底价 3 亿",
    )
    db.session.commit()
    staff = login_as("staff")
    html = upload_leads(
        client,
        workbook(
            [["商业综合体", "华润置地（郑州）有限公司", "", "", "", "5000", "李四", "", staff.department.name, "", "x"]]
        ),
    ).get_data(as_text=True)
    assert "不在您的数据范围内" in html
    assert "张经理" not in html and "机密" not in html and "不变" not in html.split("行号")[-1]


def test_a_department_change_is_written_where_the_page_would_allow_it(client, login_as):
    admin = login_as("admin")
    _dept, _big, built = _projects(admin)
    other = factories.department("区商务局")
    db.session.commit()
    upload(client, ledger([line(1, "仲景医药健康产业园", "3.5亿", "开工", dept="区商务局", key="")]))
    done = commit(client).get_data(as_text=True)
    assert "更新 1 条" in done
    db.session.expire_all()
    assert db.session.get(Project, built.id).lead_department_id == other.id
