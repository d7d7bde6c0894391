"""The monthly investment ledger export (投资月报台账): a printable 台账 (title
naming the months, 填报单位 and 截至, frozen header, autofilter, number
formats, 合计, A4 landscape), the rows the viewer may see under the list's
filters, a bad filter refused with 400 naming it, the same queries for more
projects, and a file that imports back unchanged."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.db import db
from app.delivery.investments import report_of
from app.lookups import ref_id
from app.models import ImportBatch, InvestmentReport, Project, ProjectLevel, RefKind, Stage
from tests import factories
from tests import factories_delivery as fd
from tests import factories_projects as fp

TODAY = dt.date(2026, 11, 12)
OCT = dt.date(2026, 10, 1)
URL = "/delivery/investments/export.xlsx?month=2026-10"


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


def key_project(name: str, **fields) -> Project:
    fields.setdefault("stage", Stage.CONSTRUCTION)
    fields.setdefault("created_on", dt.date(2025, 1, 1))
    return fp.project(name=name, **fields)


def district(admin):
    """Three departments' projects on 2026's list: reviewed, submitted, not
    reported; one archived, one on 2025's list only."""
    east, west = factories.department("东城街道"), factories.department("西城街道")
    leader = factories.user("leader", name="王建国", title="副区长")
    industrial = ref_id(RefKind.PROJECT_KIND, "产业项目")
    a = key_project("甲产业园", department=east, level=ProjectLevel.PROVINCE, leader=leader, kind_id=industrial)
    b = key_project("乙商业街区", department=east, level=ProjectLevel.CITY)
    c = key_project("丙健身中心", department=west, level=ProjectLevel.DISTRICT)
    for project, planned in ((a, 18000), (b, 42000), (c, 15000)):
        fd.plan(project, admin, year=2026, planned=planned)
    fd.report(a, admin, month=dt.date(2026, 9, 1), completed=9136)
    fd.report(a, admin, month=OCT, completed=635, progress="主体结构封顶", reviewed_by=admin)
    fd.report(b, admin, month=dt.date(2026, 3, 1), completed="1000.5")
    fd.report(b, admin, month=OCT, completed=1894, progress="二期装修施工")
    fd.report(c, admin, month=dt.date(2026, 9, 1), completed=500)  # October not reported
    archived = key_project("丁已归档项目", department=east)
    fd.plan(archived, admin, year=2026, planned=100)
    archived.archived_at = dt.datetime(2026, 6, 1)
    last_year = key_project("戊往年项目", department=east)
    fd.plan(last_year, admin, year=2025, planned=100)
    db.session.commit()
    return east, west, (a, b, c)


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return load_workbook(io.BytesIO(response.data)).worksheets[0]


def names(sheet) -> list[str]:
    return [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] != "合计"]


def test_the_export_is_a_printable_ledger(client, login_as):
    admin = login_as("admin")
    district(admin)
    response = client.get(URL)
    assert unquote(response.headers["Content-Disposition"]).endswith("''重点项目投资月报-2026-10.xlsx")
    sheet = workbook(response)
    caption = sheet["A1"].value
    assert caption.startswith("2026年1-10月重点项目投资完成情况") and "截至：2026-10-31" in caption
    header = [c.value for c in sheet[2]]
    assert header == [
        "序号",
        "项目名称",
        "项目级别",
        "项目类型",
        "牵头部门",
        "责任领导",
        "年度计划投资（万元）",
        "本月完成投资（万元）",
        "1-10月累计完成投资（万元）",
        "完成率",
        "开工以来累计（万元）",
        "形象进度",
        "月报状态",
    ]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:M5"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.print_title_rows == "$2:$2"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0] == (
        1,
        "甲产业园",
        "省重点",
        "产业项目",
        "东城街道",
        "王建国（副区长）",
        18000,
        635,
        9771,
        "54.3%",
        9771,
        "主体结构封顶",
        "已审核",
    )
    assert rows[1][1:3] == ("乙商业街区", "市重点") and rows[1][7:10] == (1894, 2894.5, "6.9%")
    assert rows[1][12] == "待审核"
    # Not reported: the month, its year-to-date and rate blank; what was reported before counts since start.
    assert rows[2][1] == "丙健身中心" and rows[2][7:13] == (None, None, None, 500, None, "未报")
    assert rows[3][0] == "合计" and rows[3][6:9] == (75000, 2529, 12665.5) and rows[3][10] == 13165.5
    assert sheet["G3"].number_format == "#,##0.00"


def test_rows_follow_the_viewers_scope_and_the_filters(client, login_as):
    admin = factories.user("admin")
    east, west, (a, _b, _c) = district(admin)
    login_as("staff", department=west)
    own = workbook(client.get(URL))
    assert names(own) == ["丙健身中心"] and "填报单位：西城街道" in own["A1"].value
    client.post("/auth/logout")
    login_as("viewer")
    assert names(workbook(client.get(URL))) == ["甲产业园", "乙商业街区", "丙健身中心"]
    assert names(workbook(client.get(URL + "&status=missing"))) == ["丙健身中心"]
    assert names(workbook(client.get(URL + "&status=reviewed"))) == ["甲产业园"]
    assert names(workbook(client.get(URL + "&level=city"))) == ["乙商业街区"]
    assert names(workbook(client.get(URL + f"&department_id={east.id}"))) == ["甲产业园", "乙商业街区"]
    sheet = workbook(client.get(URL + f"&kind_id={a.kind_id}&q=产业"))
    assert names(sheet) == ["甲产业园"] and "项目类型：产业项目" in sheet["A1"].value
    september = workbook(client.get("/delivery/investments/export.xlsx?month=2026-09"))
    assert [row[12] for row in september.iter_rows(min_row=3, max_row=5, values_only=True)] == [
        "待审核",
        "未报",
        "待审核",
    ]


def test_without_a_month_the_month_due_is_exported(client, login_as):
    login_as("viewer")
    response = client.get("/delivery/investments/export.xlsx")
    assert "2026-10.xlsx" in response.headers["Content-Disposition"]
    assert workbook(response)["A1"].value.startswith("2026年1-10月")


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("month=2026-13", "月份"),
        ("month=abc", "月份"),
        ("month=2026-12", "晚于本月"),
        ("month=2026-10&level=nation", "项目级别"),
        ("month=2026-10&status=late", "月报状态"),
        ("month=2026-10&department_id=99999999999", "牵头部门"),
        ("month=2026-10&kind_id=x", "项目类型"),
    ],
)
def test_a_bad_filter_refuses_the_export_naming_it(client, login_as, query, named):
    login_as("viewer")
    response = client.get(f"/delivery/investments/export.xlsx?{query}")
    assert response.status_code == 400 and named in response.get_data(as_text=True)


def test_signing_in_is_needed(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_export_sends_the_same_queries_for_more_projects(client, login_as):
    admin = login_as("admin")
    dept = factories.department()

    def statements() -> int:
        sent: list[str] = []

        def count(*_args):
            sent.append("x")

        client.get(URL)
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(URL).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(sent)

    def add(n: int) -> None:
        leader = factories.user("leader")
        for i in range(n):
            project = key_project(f"项目{n}-{i}", department=dept, leader=leader, level=ProjectLevel.CITY)
            fd.plan(project, admin, year=2026, planned=1200)
            fd.report(project, admin, month=OCT, completed=100)
        db.session.commit()

    add(3)
    few = statements()
    add(9)
    assert statements() == few


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_an_export_imports_back_unchanged(client, login_as, role):
    admin = factories.user("admin")
    east, _west, (a, b, _c) = district(admin)
    user = login_as(role, department=east) if role == "staff" else login_as(admin)
    data = client.get(URL).data
    before = db.session.scalar(sa.select(sa.func.count(InvestmentReport.id)))
    preview = client.post(
        "/imports/investments",
        data={"file": (io.BytesIO(data), "重点项目投资月报-2026-10.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    count = 3 if role == "admin" else 2
    assert "校验通过" in preview and f"将新增 0 条、更新 0 条、不变 {count} 条" in preview, preview[-3000:]
    assert "以本月完成投资为准" not in preview and "未识别的列" not in preview
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    assert "导入完成" in client.post(f"/imports/batches/{batch_id}/commit").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(InvestmentReport.id))) == before
    assert report_of(a.id, OCT).completed == Decimal(635) and report_of(b.id, OCT).revision == 0
    assert user.id
