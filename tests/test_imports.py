"""Excel ledger import of projects: ledgers as districts keep them, every
validation error kind, all-or-nothing, idempotent re-import, hostile files."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.db import db
from app.imports import cells
from app.models import AuditLog, Company, ImportBatch, Project, Role, Stage, StageChange
from tests import factories

HEADER = [
    "序号",
    "项目名称",
    "投资方",
    "统一社会信用代码",
    "产业类别",
    "计划总投资（万元）",
    "项目阶段",
    "责任单位",
    "分包领导",
    "是否重点项目",
    "项目地点",
    "备注",
]


def ledger(rows: list[list], *, header: list[str] | None = None, title: bool = True, total: bool = True) -> bytes:
    """A ledger laid out like a district's: merged title, 填报单位 row,
    header, data, an empty row, a 合计 row with a formula and a footnote."""
    wb = Workbook()
    ws = wb.active
    ws.title = "重点项目"
    header = header or HEADER
    if title:
        ws.append(["示范区2026年重点招商项目台账"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(["填报单位：区投资促进局\u3000\u3000填报日期：2026年6月30日\u3000\u3000单位：万元"])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    ws.append(header)
    first = ws.max_row + 1
    for row in rows:
        ws.append(row)
    if total:
        ws.append([])
        ws.append(["合计", None, None, None, None, f"=SUM(F{first}:F{ws.max_row})"])
        ws.append(["注：1. 项目阶段按谋划库、招引库、签约库、落地库填写；2. 金额单位为万元。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(n, name, company="", code="", industry="健康服务", amount="3500", stage="招引", dept="", leader="", key="是"):
    return [n, name, company, code, industry, amount, stage, dept, leader, key, "", ""]


def upload(client, data: bytes, name: str = "台账.xlsx"):
    return client.post("/imports/projects", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def commit(client):
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    return client.post(f"/imports/batches/{batch_id}/commit")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3500", "3500"),
        ("3,500", "3500"),
        ("3500万", "3500"),
        ("3.5亿", "35000.0"),
        ("12,000", "12000"),
        ("３５００", "3500"),
        ("3500万元", "3500"),
        (45000, "45000"),
        (3.5, "3.5"),
        ("0", "0"),
    ],
)
def test_amounts_as_people_write_them(raw, expected):
    assert cells.amount_wan(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw", ["约3500", "3500美元", "3,50", "三千五百万", "-3500", "3.5.1亿", "1e5", "=SUM(A1)", True]
)
def test_other_amounts_are_errors_not_guesses(raw):
    with pytest.raises(cells.CellError):
        cells.amount_wan(raw)


def test_ledger_imports_as_it_is(client, login_as):
    admin = login_as("admin")
    dept = factories.department("侯寨乡")
    leader = factories.user("leader", name="王建国")
    db.session.commit()
    data = ledger(
        [
            row(
                1,
                "仲景医药健康产业园",
                "仲景宛西制药股份有限公司",
                amount="3.5亿",
                stage="落地库",
                dept="侯寨乡",
                leader="王建国",
            ),
            row(
                2,
                "比亚迪品牌形象体验中心",
                "比亚迪汽车销售有限公司",
                industry="现代商贸",
                amount="12,000",
                stage="签约",
            ),
            row(3, "郑大一附院TOD综合开发", amount="600000", stage="谋划", key="否"),
            row(
                4,
                "农业科技创新中心",
                "郑州市农业科学研究院",
                code="121200004013590816",
                industry="科技服务",
                amount=22000,
                stage="开工",
            ),
        ]
    )
    preview = upload(client, data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:2000]
    assert "校验通过" in html and "合计行" in html and "注释行" in html
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0  # preview writes nothing
    assert "导入完成" in commit(client).get_data(as_text=True)
    projects = {p.name: p for p in db.session.scalars(sa.select(Project))}
    assert len(projects) == 4
    zj = projects["仲景医药健康产业园"]
    assert zj.planned_investment == Decimal("35000") and zj.stage is Stage.LANDED and zj.is_key
    assert zj.lead_department_id == dept.id and zj.responsible_leader_id == leader.id
    assert zj.signed_on is not None  # reaching 落地 implies having signed
    assert projects["郑大一附院TOD综合开发"].company_id is None and not projects["郑大一附院TOD综合开发"].is_key
    assert (
        db.session.scalar(sa.select(Company.credit_code).where(Company.name == "郑州市农业科学研究院"))
        == "121200004013590816"
    )
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    assert entry.changes["created"] == 4 and entry.user_id == admin.id


def test_reimporting_the_same_file_updates_instead_of_duplicating(client, login_as):
    login_as("admin")
    data = ledger(
        [
            row(1, "杉杉奥莱", "杉杉商业集团有限公司", amount="200000", stage="签约"),
            row(2, "唐久总部", "唐久便利店连锁有限公司", amount="50000", stage="招引"),
        ]
    )
    upload(client, data)
    commit(client)
    changed = ledger(
        [
            row(1, "杉杉奥莱", "杉杉商业集团有限公司", amount="250000", stage="落地"),
            row(2, "唐久总部", "唐久便利店连锁有限公司", amount="50000", stage="招引"),
        ]
    )
    html = upload(client, changed).get_data(as_text=True)
    assert "将新增 0 条、更新 1 条、不变 1 条" in html  # the second row changes nothing
    commit(client)
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 2
    outlet = db.session.scalar(sa.select(Project).where(Project.name == "杉杉奥莱"))
    assert outlet.planned_investment == Decimal("250000") and outlet.stage is Stage.LANDED
    moves = db.session.scalars(sa.select(StageChange.to_stage).where(StageChange.project_id == outlet.id)).all()
    assert moves == [Stage.SIGNED, Stage.LANDED]


def test_every_error_kind_is_listed_with_row_column_value_message(client, login_as):
    login_as("admin")
    factories.user("leader", name="重名领导")
    factories.user("leader", name="重名领导")
    db.session.commit()
    data = ledger(
        [
            row(1, "", amount="3500"),
            row(2, "阶段错误项目", stage="在谈"),
            row(3, "金额错误项目", amount="约3亿"),
            row(4, "负数项目", amount="-5"),
            row(5, "产业错误项目", industry="元宇宙"),
            row(6, "代码错误项目", "某某有限公司", code="91110000600037341X"),
            row(7, "单位错误项目", dept="不存在的街道"),
            row(8, "领导错误项目", leader="不存在的领导"),
            row(9, "重名领导项目", leader="重名领导"),
            row(10, "重点错误项目", key="也许"),
            row(11, "长" * 300),
            row(12, "金额空项目", amount=None),
        ]
    )
    response = upload(client, data)
    html = response.get_data(as_text=True)
    for message in (
        "项目名称不能为空",
        "项目阶段应为",
        "金额格式无法识别",
        "金额不能为负数",
        "产业类别不在基础数据列表中",
        "校验位不正确",
        "不在系统部门列表中",
        "分包领导不是系统中的领导账号",
        "有重名领导",
        "请填写“是”或“否”",
        "项目名称不能超过",
        "计划总投资不能为空",
    ):
        assert message in html, message
    assert "约3亿" in html and "在谈" in html
    assert "确认导入" not in html
    batch = db.session.scalar(sa.select(ImportBatch))
    refused = client.post(f"/imports/batches/{batch.id}/commit").get_data(as_text=True)
    assert "未导入任何数据" in refused
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_one_bad_row_in_a_thousand_imports_nothing(client, login_as):
    login_as("admin")
    rows = [row(i, f"测试项目{i:04d}", amount=str(1000 + i)) for i in range(1, 1001)]
    rows[736][5] = "一千万"
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "发现 1 处问题" in html and "<td>740</td>" in html  # data starts on sheet row 4
    batch = db.session.scalar(sa.select(ImportBatch))
    client.post(f"/imports/batches/{batch.id}/commit").get_data()
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_headers_in_any_order_with_half_width_parentheses_and_unknown_columns_reported(client, login_as):
    login_as("admin")
    header = ["项目阶段", "计划总投资(万元)", " 项目 名称 ", "对接人微信"]
    data = ledger([["签约库", "8,000", "顶津饮料生产线增资扩产", "wx123"]], header=header, title=False, total=False)
    html = upload(client, data).get_data(as_text=True)
    assert "对接人微信" in html and "未识别的列" in html
    assert "顶津饮料生产线增资扩产" in html


def test_files_that_are_not_ledgers_get_clear_errors(client, login_as, app):
    login_as("admin")
    not_xlsx = upload(client, b"name,amount\nx,1\n", "台账.csv")
    assert not_xlsx.status_code == 422 and "不是 Excel .xlsx 格式" in not_xlsx.get_data(as_text=True)
    corrupt = upload(client, b"PK\x03\x04garbage" * 10)
    assert corrupt.status_code == 422 and "无法读取" in corrupt.get_data(as_text=True)
    no_header = upload(client, ledger([["a", "b"]], header=["甲", "乙"], title=False, total=False))
    assert no_header.status_code == 422 and "未找到表头行" in no_header.get_data(as_text=True)
    empty = client.post("/imports/projects", data={}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "请选择" in empty.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        big = upload(client, ledger([row(1, "项目")]))
    finally:
        app.config["IMPORT_MAX_BYTES"] = 10 * 1024 * 1024
    assert big.status_code == 413 and "上限" in big.get_data(as_text=True)


def test_row_limit(client, login_as, app):
    login_as("admin")
    app.config["IMPORT_MAX_ROWS"] = 5
    try:
        response = upload(client, ledger([row(i, f"项目{i}") for i in range(10)]))
    finally:
        app.config["IMPORT_MAX_ROWS"] = 20000
    assert response.status_code == 422 and "超过上限" in response.get_data(as_text=True)


def test_template_has_headers_in_order_and_allowed_values(client, login_as):
    login_as("staff")
    response = client.get("/imports/projects/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    headers = [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
    assert headers == [
        "项目名称*",
        "项目阶段*",
        "计划总投资(万元)*",
        "产业类别",
        "投资方",
        "统一社会信用代码",
        "责任单位",
        "分包领导",
        "是否重点项目",
        "项目地点",
        "备注",
    ]
    assert wb.worksheets[0].max_row == 2  # one example row
    values = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert "智能制造" in values["产业类别"] and values["是否重点项目"] == "是 / 否"


def test_staff_import_only_into_their_scope_and_viewers_not_at_all(client, login_as):
    other = factories.department("青山镇")
    db.session.commit()
    staff = login_as("staff")
    html = upload(client, ledger([row(1, "越权项目", dept="青山镇"), row(2, "本部门项目")])).get_data(as_text=True)
    assert "无权导入其他部门的数据" in html
    client.post("/auth/logout")
    login_as("viewer")
    assert upload(client, ledger([row(1, "项目")])).status_code == 403
    assert staff.role is Role.STAFF and other.id


def test_another_users_batch_is_not_found(client, login_as):
    login_as("staff")
    upload(client, ledger([row(1, "项目甲")]))
    batch = db.session.scalar(sa.select(ImportBatch))
    client.post("/auth/logout")
    login_as("staff")
    assert client.post(f"/imports/batches/{batch.id}/commit").status_code == 404


def test_formula_text_is_exported_as_quoted_text_and_reimports_unchanged(client, login_as):
    """Text starting with = + - @ is a text cell with the quote-prefix style:
    never run by Excel, and the same value on the way back."""
    from app.companies.services import create_company
    from app.projects.services import create_project

    admin = login_as("admin")
    company = create_company({"name": "+86科技有限公司"}, admin)
    create_project(
        {"name": '=HYPERLINK("http://x")产业园', "company_id": company.id, "planned_investment": Decimal("3500")},
        admin,
        stage=Stage.ATTRACTING,
    )
    db.session.commit()
    exported = client.get("/projects/export.xlsx")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    cells = {cell.value: cell for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)}
    name = cells['=HYPERLINK("http://x")产业园']
    assert (name.data_type, name.quotePrefix) == ("s", True)
    assert cells["+86科技有限公司"].quotePrefix
    again = upload(client, exported.data).get_data(as_text=True)
    assert "不变 1 条" in again  # the value came back as it left


def test_commit_streams_progress_and_cannot_run_twice(client, login_as):
    login_as("admin")
    upload(client, ledger([row(i, f"进度项目{i:03d}") for i in range(1, 601)]))
    html = commit(client).get_data(as_text=True)
    assert html.count("<progress") >= 3 and "600 / 600" in html and "导入完成：新增 600 条" in html
    again = commit(client).get_data(as_text=True)
    assert "该文件已经导入" in again
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 600


def test_a_failure_during_commit_rolls_everything_back(client, login_as, monkeypatch):
    login_as("admin")
    upload(client, ledger([row(i, f"回滚项目{i:03d}") for i in range(1, 301)]))
    from app.imports import commit as commit_module

    original = commit_module.create_project
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 280:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(commit_module, "create_project", flaky)
    html = commit(client).get_data(as_text=True)
    assert "已全部撤销" in html
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 0
