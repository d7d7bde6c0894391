"""The approval-items ledger import (联审联批事项台账): the sample as it is
(title, 序号, abbreviated departments, Chinese statuses, 容缺受理 in the
notes, a footnote), matching existing projects within scope (an unknown and
an out-of-scope project read the same), unknown item types and departments
(the mapping step), dates as offices write them, 办结 only by the approving
department, an existing item updated (old → new), and all-or-nothing.
tests/data/approvals_ledger_sample.xlsx is a copy of
/work/shared/samples/联审联批事项台账-示例.xlsx."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.approvals.services import ApprovalError
from app.db import db
from app.imports import approvals_commit
from app.models import ApprovalItem, ApprovalStatus, AuditLog, DepartmentKind, ImportBatch, Stage
from tests import factories
from tests import factories_approvals as fa
from tests import factories_projects as fp
from tests.factories_api import bearer

SAMPLE = Path(__file__).parent / "data" / "approvals_ledger_sample.xlsx"
TODAY = dt.date(2026, 9, 1)
HEADER = [
    "序号",
    "项目名称",
    "审批事项",
    "审批部门",
    "计划完成时间",
    "申报时间",
    "办结时间",
    "办理状态",
    "存在问题",
    "备注",
]
SAMPLE_PROJECTS = [
    "仲景医药健康产业园",
    "粤浦·联东智慧健康产业园",
    "二七区全民健身运动中心",
    "陕西建工河南区域总部",
    "郑州市农业科技创新中心",
    "星驾科技氢燃料电池及电单车智能制造基地",
    "侯寨老镇区安置房项目",
]
BUREAUS = ["区住房和城乡建设局", "市自然资源和规划局二七分局", "市生态环境局二七分局", "区发展和改革委员会"]


@pytest.fixture
def district(set_today):
    set_today(TODAY)
    town = factories.department("二七区投资促进局")
    bureaus = {name: factories.department(name, kind=DepartmentKind.BUREAU) for name in BUREAUS}
    projects = {
        name: fp.project(name=name, department=town, stage=Stage.LANDED, created_on=dt.date(2026, 1, 5))
        for name in SAMPLE_PROJECTS
    }
    db.session.commit()
    return {"town": town, "bureaus": bureaus, "projects": projects}


def ledger(rows: list[list], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["重点项目联审联批事项台账"])
    ws.append(header or HEADER)
    for values in rows:
        ws.append(values)
    ws.append(["注：审批部门可写简称。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def line(n, name, kind="施工许可", dept="区住建局", due="2026-09-30", submitted=None, approved=None, status=None, **kw):
    return [n, name, kind, dept, due, submitted, approved, status, kw.get("problem"), kw.get("notes")]


def upload(client, data: bytes, name: str = "联审联批.xlsx"):
    form = {"file": (io.BytesIO(data), name)}
    return client.post("/imports/approvals", data=form, content_type="multipart/form-data")


def commit(client):
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    return client.post(f"/imports/batches/{batch_id}/commit", data={}).get_data(as_text=True)


def items() -> list[ApprovalItem]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ApprovalItem).order_by(ApprovalItem.id)))


# --- the sample -----------------------------------------------------------------------


def test_the_sample_ledger_imports_as_it_is(client, login_as, district):
    admin = login_as("admin")
    response = upload(client, SAMPLE.read_bytes(), name="联审联批事项台账-示例.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert "校验通过：将新增 10 条" in html and "表头在第 2 行" in html and "注释行" in html
    assert "未识别的列" not in html
    assert items() == []  # the preview writes nothing
    assert "导入完成：新增 10 条" in commit(client)
    found = {(i.project.name, i.type.name): i for i in items()}
    assert len(found) == 10
    fire = found[("仲景医药健康产业园", "施工许可")]
    assert (fire.status, fire.submitted_on, fire.approved_on) == (
        ApprovalStatus.APPROVED,
        dt.date(2026, 7, 10),
        dt.date(2026, 7, 25),
    )
    assert fire.department.name == "区住房和城乡建设局"
    land = found[("粤浦·联东智慧健康产业园", "用地预审与选址")]
    assert land.status is ApprovalStatus.SUBMITTED and "容缺受理" in land.notes and "土地组卷" in land.notes
    assert found[("粤浦·联东智慧健康产业园", "环评批复")].status is ApprovalStatus.PENDING
    filed = found[("郑州市农业科技创新中心", "立项（备案/核准）")]
    assert filed.department.name == "区发展和改革委员会"  # written 区发改委
    housing = found[("侯寨老镇区安置房项目", "施工许可")]
    assert housing.status is ApprovalStatus.NOT_NEEDED and housing.not_needed_reason == "已并入一期许可"
    assert housing.department.name == "区住房和城乡建设局"  # written 区住建局
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    assert entry.changes["kind"] == "approvals" and entry.changes["created"] == 10 and entry.user_id == admin.id
    batch = db.session.scalar(sa.select(ImportBatch))
    result = client.get(f"/imports/batches/{batch.id}").get_data(as_text=True)
    assert "联审联批事项导入" in result and "仲景医药健康产业园：施工许可" in result
    # the same file again: nothing changes
    html = upload(client, SAMPLE.read_bytes()).get_data(as_text=True)
    assert "校验通过：将新增 0 条、更新 0 条、不变 10 条" in html


def test_an_existing_item_is_updated_and_the_preview_shows_old_and_new(client, login_as, district):
    admin = login_as("admin")
    project = district["projects"]["仲景医药健康产业园"]
    housing = district["bureaus"]["区住房和城乡建设局"]
    item = fa.item(project, admin, housing, due_on=dt.date(2026, 8, 31))
    db.session.commit()
    rows = [line(1, "仲景医药健康产业园", due="2026.9.30", submitted="2026年8月20日", status="在办", notes="容缺受理")]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "校验通过：将新增 0 条、更新 1 条" in html
    assert "计划完成时间：2026-08-31 → <strong>2026-09-30</strong>" in html
    assert "办理状态：待申报 → <strong>已申报</strong>" in html
    assert "导入完成：新增 0 条，更新 1 条" in commit(client)
    (saved,) = items()
    assert saved.id == item.id
    assert (saved.due_on, saved.submitted_on, saved.status, saved.notes) == (
        dt.date(2026, 9, 30),
        dt.date(2026, 8, 20),
        ApprovalStatus.SUBMITTED,
        "容缺受理",
    )
    # then 办结 (an Excel date cell), by the admin
    rows = [line(1, "仲景医药健康产业园", approved=dt.datetime(2026, 8, 28), status="已批复")]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "办理状态：已申报 → <strong>已办结</strong>" in html
    commit(client)
    assert items()[0].status is ApprovalStatus.APPROVED and items()[0].approved_on == dt.date(2026, 8, 28)
    # an older ledger saying 在办 does not move it back
    html = upload(client, ledger([line(1, "仲景医药健康产业园", submitted="2026-08-20", status="在办")]))
    assert "导入不退回办理状态" in html.get_data(as_text=True)


# --- errors ---------------------------------------------------------------------------


def test_an_unknown_and_an_out_of_scope_project_read_the_same(client, login_as, district):
    elsewhere = factories.department("西城街道")
    fp.project(name="西城机密项目", department=elsewhere, stage=Stage.LANDED, created_on=dt.date(2026, 1, 5))
    db.session.commit()
    login_as("staff", department=district["town"])
    html = upload(client, ledger([line(1, "西城机密项目"), line(2, "没有的项目")])).get_data(as_text=True)
    assert "未找到名为「西城机密项目」的项目（或不在您的数据范围内）" in html
    assert "未找到名为「没有的项目」的项目（或不在您的数据范围内）" in html
    assert items() == []


def test_unknown_types_departments_and_bad_dates_are_row_errors(client, login_as, district):
    login_as("admin")
    rows = [
        line(1, "仲景医药健康产业园", kind="土地证"),
        line(2, "陕西建工河南区域总部", dept="区水利局"),
        line(3, "二七区全民健身运动中心", due="九月底"),
        line(4, "星驾科技氢燃料电池及电单车智能制造基地", submitted="2026-09-05", status="已申报"),
        line(5, "侯寨老镇区安置房项目", status="审核通过"),
        line(6, "郑州市农业科技创新中心", status="已办结"),
        line(7, "粤浦·联东智慧健康产业园", status="无需办理"),
    ]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "整份文件不会导入" in html
    assert "审批事项「土地证」不在系统的审批事项类型中。可选：立项（备案/核准）、" in html
    assert "审批部门「区水利局」不在系统部门列表中" in html and "未识别的审批部门（1 个）" in html
    assert "日期格式应为 2026-07-31" in html
    assert "申报时间不能晚于今天" in html
    assert "办理状态应为 待申报 / 已申报 / 已办结 / 无需办理" in html
    assert "办理状态为已办结，请填写办结时间" in html
    assert "无需办理须写明原因" in html
    assert items() == []


def test_the_department_mapping_step_remembers_a_name(client, login_as, district):
    login_as("admin")
    upload(client, ledger([line(1, "陕西建工河南区域总部", dept="住建委")]))
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    housing = district["bureaus"]["区住房和城乡建设局"]
    html = client.post(
        f"/imports/batches/{batch_id}/departments", data={"name": "住建委", "department_id": str(housing.id)}
    ).get_data(as_text=True)
    assert "校验通过：将新增 1 条" in html
    commit(client)
    assert items()[0].department_id == housing.id


def test_approval_needs_the_approving_departments_right(client, login_as, district):
    login_as("staff", department=district["town"])  # the project's team, not the bureau
    rows = [line(1, "仲景医药健康产业园", submitted="2026-08-01", approved="2026-08-20", status="办结")]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "已办结须由审批部门（区住房和城乡建设局）或管理员导入" in html
    rows = [line(1, "仲景医药健康产业园", submitted="2026-08-01", status="已申报")]
    assert "校验通过" in upload(client, ledger(rows)).get_data(as_text=True)
    commit(client)
    assert items()[0].status is ApprovalStatus.SUBMITTED
    rows = [line(1, "仲景医药健康产业园", submitted="2026-08-01", approved="2026-08-20", status="已办结")]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "已办结须由审批部门或管理员导入" in html
    # the bureau's staff see the project? not in scope → the same unknown-project words
    client.post("/auth/logout")
    login_as("staff", department=district["bureaus"]["区住房和城乡建设局"])
    assert "未找到名为「仲景医药健康产业园」" in upload(client, ledger(rows)).get_data(as_text=True)
    assert items()[0].status is ApprovalStatus.SUBMITTED


# --- all or nothing -------------------------------------------------------------------


def test_a_row_refused_at_commit_undoes_the_rows_before_it(client, login_as, district, monkeypatch):
    login_as("admin")
    rows = [line(1, "仲景医药健康产业园"), line(2, "陕西建工河南区域总部", kind="节能审查", dept="区发改委")]
    assert "校验通过" in upload(client, ledger(rows)).get_data(as_text=True)
    real = approvals_commit.services.add_item

    def refuse_the_second(project, *args, **kwargs):
        if project.name == "陕西建工河南区域总部":
            raise ApprovalError("项目已退出，不能再添加审批事项。")
        return real(project, *args, **kwargs)

    monkeypatch.setattr(approvals_commit.services, "add_item", refuse_the_second)
    refused = commit(client)
    assert "未导入任何数据" in refused and "第 4 行（陕西建工河南区域总部：节能审查）" in refused
    assert items() == []
    assert db.session.scalar(sa.select(ImportBatch.status)) == "previewed"
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "import")) == 0


# --- pages, template, API --------------------------------------------------------------


def test_the_kind_shows_where_the_others_do(client, login_as, district):
    login_as("staff")
    assert "联审联批事项导入" in client.get("/imports/").get_data(as_text=True)
    assert "联审联批事项导入" in client.get("/imports/approvals").get_data(as_text=True)
    template = client.get("/imports/approvals/template.xlsx")
    assert template.status_code == 200
    sheets = load_workbook(io.BytesIO(template.data)).worksheets
    assert [c.value for c in sheets[0][2]][:3] == ["序号", "项目名称*", "审批事项*"]
    assert any("施工许可" in (c.value or "") for row in sheets[1].iter_rows() for c in row)


def test_the_api_imports_an_approval_ledger(client, district):
    admin = factories.user("admin")
    db.session.commit()
    data = SAMPLE.read_bytes()

    def post(query: str):
        return client.post(
            f"/api/v1/imports/approvals?{query}",
            data={"file": (io.BytesIO(data), "联审联批.xlsx")},
            content_type="multipart/form-data",
            headers=bearer(admin),
        )

    dry = post("").get_json()
    assert dry["committed"] is False and dry["created"] == 10
    assert items() == []
    done = post("commit=1")
    assert done.status_code == 200 and done.get_json()["committed"] is True
    assert len(items()) == 10
