"""The monthly investment ledger import (投资月报): the 发改委's sample as it is
(title, two-row header, 合计 and footnote), the month from the title or the
form, matching existing projects within scope (an unknown and an
out-of-scope project read the same), the month derived from 「1-N月累计」,
amounts as people write them, a month on record unchanged or corrected (a
reviewed month with one reason for the file), plans and levels by role, and
all-or-nothing. tests/data/investment_ledger_sample.xlsx is a copy of
/work/shared/samples/重点项目投资月报-示例.xlsx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.db import db
from app.delivery.investments import ReportError, report_of
from app.delivery.plans import plan_of
from app.imports import investments, investments_commit
from app.imports.sheets import header_key
from app.models import (
    AnnualPlan,
    AuditLog,
    ImportBatch,
    InvestmentReport,
    InvestmentRevision,
    Project,
    ProjectLevel,
    ReportStatus,
    Stage,
)
from tests import factories
from tests import factories_delivery as fd
from tests import factories_projects as fp
from tests.factories_api import bearer

SAMPLE = Path(__file__).parent / "data" / "investment_ledger_sample.xlsx"
TODAY = dt.date(2026, 11, 12)
OCT, SEP = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
TITLE = "2026年1-10月重点项目投资完成情况"
HEADER = [
    "序号",
    "项目名称",
    "项目级别",
    "年度计划投资（万元）",
    "本月完成投资（万元）",
    "1-10月累计完成投资（万元）",
    "形象进度",
]


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


def ledger(rows: list[list], *, title: str | None = TITLE, header: list[str] | None = None) -> bytes:
    """A monthly ledger: title and 填报单位 rows, the header, rows, 合计, a note."""
    wb = Workbook()
    ws = wb.active
    if title is not None:
        ws.append([title])
        ws.append(["填报单位：区发展和改革委员会\u3000\u3000单位：万元"])
    ws.append(header or HEADER)
    for values in rows:
        ws.append(values)
    ws.append(["合计", None, None, "=SUM(D4:D9)"])
    ws.append(["注：本表每月5日前报区发改委。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def line(n: int, name: str, *, level=None, planned=1200, completed=None, cumulative=None, progress="主体施工"):
    return [n, name, level, planned, completed, cumulative, progress]


def key_project(name: str, **fields) -> Project:
    fields.setdefault("stage", Stage.CONSTRUCTION)
    fields.setdefault("created_on", dt.date(2025, 1, 1))
    return fp.project(name=name, **fields)


def on_list(project: Project, admin, planned=1200) -> Project:
    fd.plan(project, admin, year=2026, planned=planned)
    return project


def upload(client, data: bytes, month: str = "", name: str = "月报.xlsx"):
    form = {"file": (io.BytesIO(data), name)}
    if month:
        form["month"] = month
    return client.post("/imports/investments", data=form, content_type="multipart/form-data")


def commit(client, **form):
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    return client.post(f"/imports/batches/{batch_id}/commit", data=form).get_data(as_text=True)


def reports() -> int:
    return db.session.scalar(sa.select(sa.func.count(InvestmentReport.id)))


# --- the sample -----------------------------------------------------------------------

SAMPLE_ROWS = [  # name, level on record, planned on the file, 10月完成, 1—10月累计
    ("仲景医药健康产业园", ProjectLevel.PROVINCE, 18000, 635, 9771),
    ("中铁·泰和里沉浸式文化商业街区", ProjectLevel.CITY, 42000, 1894, 33104),
    ("二七区全民健身运动中心", ProjectLevel.CITY, 15000, 911, 10528),  # the file says 区重点
    ("郑州市农业科技创新中心", ProjectLevel.CITY, 21000, 726, 7213),
    ("陕西建工河南区域总部", ProjectLevel.DISTRICT, 28000, 918, 9843),  # the file plans 30000
    ("星驾科技氢燃料电池及电单车智能制造基地", ProjectLevel.PROVINCE, 50000, 1040, 17619),
    ("侯寨老镇区安置房项目", ProjectLevel.DISTRICT, None, 2953, 22262),  # not on the list yet
    ("粤浦·联东智慧健康产业园", ProjectLevel.CITY, 25000, None, 0),  # not started: blank month
]


def test_the_sample_ledger_imports_as_it_is(client, login_as):
    admin = login_as("admin")
    projects = {}
    for name, level, planned, completed, cumulative in SAMPLE_ROWS:
        project = projects[name] = key_project(name, level=level)
        if planned is not None:
            on_list(project, admin, planned)
            if completed is not None:  # the months before October, so the 累计 adds up
                fd.report(project, admin, month=SEP, completed=cumulative - completed)
    db.session.commit()
    response = upload(client, SAMPLE.read_bytes(), name="重点项目投资月报-示例.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert "校验通过" in html and "月报月份：2026年10月" in html
    assert "表头在第 4 行" in html and "合计行" in html and "注释行" in html
    assert "未识别的列" not in html
    assert "以下列仅供对照" in html and "年度完成率" in html
    assert "项目级别：市重点 → <strong>区重点</strong>" in html
    assert "2026年计划投资（万元）：28,000 → <strong>30,000</strong>" in html
    assert "未列入计划 → <strong>36,000</strong>" in html
    # Only 侯寨 (no September on record) does not add up, and says so.
    assert html.count("以本月完成投资为准") == 1 and "22,262" in html
    assert reports() == 6  # the preview writes nothing

    assert "导入完成：新增 8 条" in commit(client)
    for name, _level, _planned, completed, _cumulative in SAMPLE_ROWS:
        report = report_of(projects[name].id, OCT)
        assert report is not None and report.completed == Decimal(completed or 0), name
    zj = projects["仲景医药健康产业园"]
    assert plan_of(zj.id, 2026).completed == Decimal(9771)
    assert report_of(zj.id, OCT).progress == "主体结构封顶"
    assert report_of(projects["粤浦·联东智慧健康产业园"].id, OCT).progress == "未开工（土地组卷中）"
    assert db.session.get(Project, projects["二七区全民健身运动中心"].id).level is ProjectLevel.DISTRICT
    assert plan_of(projects["陕西建工河南区域总部"].id, 2026).planned_investment == Decimal(30000)
    assert plan_of(projects["侯寨老镇区安置房项目"].id, 2026).planned_investment == Decimal(36000)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    assert entry.changes["kind"] == "investments" and entry.changes["month"] == "2026-10"
    assert entry.changes["created"] == 8 and entry.user_id == admin.id
    batch = db.session.scalar(sa.select(ImportBatch))
    result = client.get(f"/imports/batches/{batch.id}").get_data(as_text=True)
    assert "投资月报导入" in result and f"/projects/{zj.id}" in result


# --- headers and the month -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("10月完成", "completed"),
        ("本月完成投资（万元）", "completed"),
        ("１０月份完成投资", "completed"),
        ("1—10月累计完成", "cumulative"),
        ("1-10月累计完成投资（万元）", "cumulative"),
        ("1月-10月累计", "cumulative"),
        ("本年累计完成投资", "cumulative"),
        ("2026年计划投资", "planned"),
        ("年度计划投资（万元）", "planned"),
        ("开工以来累计（万元）", "info_since_start"),
        ("计划总投资", "info_total"),
        ("累计完成投资", None),  # since the start, or this year? not guessed
        ("投资完成情况", None),
    ],
)
def test_headers_as_ledgers_write_them(header, field):
    assert investments.HEADERS.get(header_key(header)) == field


# --- the month ------------------------------------------------------------------------


def test_the_month_comes_from_the_title_or_the_form_and_must_agree(client, login_as):
    admin = login_as("admin")
    on_list(key_project("甲项目"), admin)
    db.session.commit()
    rows = [line(1, "甲项目", completed=100)]
    untitled = upload(client, ledger(rows, title=None))
    assert untitled.status_code == 422 and "无法确定月报月份" in untitled.get_data(as_text=True)
    assert "月报月份：2026年10月" in upload(client, ledger(rows, title=None), month="2026-10").get_data(as_text=True)
    clash = upload(client, ledger(rows), month="2026-09").get_data(as_text=True)
    assert "所选月份 2026年9月 与表格标题中的 2026年10月 不一致" in clash
    header = [*HEADER[:4], "9月完成", "1-9月累计完成", *HEADER[6:]]
    wrong = upload(client, ledger(rows, header=header)).get_data(as_text=True)
    assert "表头「9月完成」与月报月份 2026年10月 不一致" in wrong
    december = [*HEADER[:5], "1-12月累计完成投资", *HEADER[6:]]
    future = upload(client, ledger(rows, title="2026年1-12月重点项目投资完成情况", header=december))
    future = future.get_data(as_text=True)
    assert "晚于本月" in future
    assert "无效" in upload(client, ledger(rows), month="2026-13").get_data(as_text=True)
    assert reports() == 0


def test_a_chosen_month_is_kept_for_the_commit(client, login_as):
    admin = login_as("admin")
    project = on_list(key_project("甲项目"), admin)
    db.session.commit()
    upload(client, ledger([line(1, "甲项目", completed=80)], title="重点项目投资完成情况"), month="2026-10")
    assert "导入完成：新增 1 条" in commit(client)
    assert report_of(project.id, OCT).completed == Decimal(80)


# --- matching and scope ---------------------------------------------------------------


def test_an_unknown_and_an_out_of_scope_project_read_the_same(client, login_as):
    own, other = factories.department("侯寨乡"), factories.department("马寨镇")
    admin = factories.user("admin")
    mine = on_list(key_project("本乡项目", department=own), admin)
    theirs = on_list(key_project("马寨秘密项目", department=other), admin, planned=98765)
    db.session.commit()
    login_as("staff", department=own)
    data = ledger(
        [
            line(1, "本乡项目", completed=100),
            line(2, "马寨秘密项目", completed=100),
            line(3, "不存在的项目", completed=100),
        ]
    )
    html = upload(client, data).get_data(as_text=True)
    assert "发现 2 处问题" in html
    assert "未找到名为「马寨秘密项目」的项目（或不在您的数据范围内）" in html
    assert "未找到名为「不存在的项目」的项目（或不在您的数据范围内）" in html
    assert "98,765" not in html and "马寨镇" not in html  # nothing about it shows
    assert "文件仍有错误" in commit(client)
    assert reports() == 0 and mine.id and theirs.id


def test_a_visible_project_the_importer_may_not_report_for_is_refused(client, login_as):
    own, other = factories.department("侯寨乡"), factories.department("马寨镇")
    admin = factories.user("admin")
    staff = factories.user("staff", department=own)
    # Created by this staff member (so visible to them), led by another department.
    on_list(key_project("代建项目", department=other, created_by_id=staff.id), admin)
    db.session.commit()
    login_as(staff)
    html = upload(client, ledger([line(1, "代建项目", completed=100)])).get_data(as_text=True)
    assert "您无权填报该项目的投资月报" in html


def test_names_match_with_either_width_of_brackets_and_never_create(client, login_as):
    admin = login_as("admin")
    project = on_list(key_project("华润置地（郑州）科创园"), admin)
    db.session.commit()
    html = upload(client, ledger([line(1, "华润置地(郑州)科创园", completed=100)])).get_data(as_text=True)
    assert "校验通过" in html
    commit(client)
    assert report_of(project.id, OCT).completed == Decimal(100)
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 1


def test_the_same_project_twice_and_an_exited_project_are_errors(client, login_as):
    admin = login_as("admin")
    on_list(key_project("甲项目"), admin)
    gone = on_list(key_project("乙项目"), admin)
    gone.stage = Stage.EXITED
    db.session.commit()
    rows = [line(1, "甲项目", completed=1), line(2, "甲项目", completed=2), line(3, "乙项目", completed=3)]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "与第 4 行是同一项目" in html and "项目已退出，不再填报投资月报" in html


# --- the month's amount ---------------------------------------------------------------


def test_a_cumulative_only_ledger_derives_the_month(client, login_as):
    admin = login_as("admin")
    project = on_list(key_project("甲项目"), admin)
    for month in range(1, 10):
        fd.report(project, admin, month=dt.date(2026, month, 1), completed=100)
    db.session.commit()
    header = ["序号", "项目名称", "1—10月累计完成", "形象进度"]
    html = upload(client, ledger([[1, "甲项目", "1,250万", "装修"]], header=header)).get_data(as_text=True)
    assert "校验通过" in html and "10月完成投资（万元）：— → <strong>350</strong>" in html
    commit(client)
    assert report_of(project.id, OCT).completed == Decimal(350)
    assert plan_of(project.id, 2026).completed == Decimal(1250)


def test_a_negative_derived_month_is_refused_with_the_figures(client, login_as):
    admin = login_as("admin")
    project = on_list(key_project("甲项目"), admin)
    fd.report(project, admin, month=dt.date(2026, 8, 1), completed=600)
    fd.report(project, admin, month=SEP, completed=400)
    db.session.commit()
    html = upload(client, ledger([line(1, "甲项目", cumulative=800)])).get_data(as_text=True)
    assert "1–10 月累计 800 万元少于系统中1–9 月已报合计 1,000 万元（推算 10 月为 -200 万元）" in html
    assert "文件仍有错误" in commit(client) and reports() == 2


def test_both_amounts_blank_files_nothing(client, login_as):
    admin = login_as("admin")
    project = on_list(key_project("甲项目"), admin)
    db.session.commit()
    html = upload(client, ledger([line(1, "甲项目")])).get_data(as_text=True)
    assert "本月完成投资与累计均未填写，不填报该月" in html and "不变 1 条" in html
    commit(client)
    assert report_of(project.id, OCT) is None


@pytest.mark.parametrize(
    ("planned", "completed", "expected_plan", "expected_month"),
    [
        ("3.5亿", "3,500万", 35000, 3500),
        ("12,000", "６３５", 12000, 635),
        ("１２，０００", "0.5亿", 12000, 5000),
        (45000, 635.5, 45000, Decimal("635.5")),
    ],
)
def test_amounts_as_people_write_them(client, login_as, planned, completed, expected_plan, expected_month):
    admin = login_as("admin")
    project = on_list(key_project("甲项目"), admin, planned=expected_plan)
    db.session.commit()
    html = upload(client, ledger([line(1, "甲项目", planned=planned, completed=completed)])).get_data(as_text=True)
    assert "校验通过" in html and "计划投资（万元）：" not in html  # the plan read equals the one on record
    commit(client)
    assert report_of(project.id, OCT).completed == Decimal(expected_month)


def test_unreadable_amounts_and_levels_are_row_errors(client, login_as):
    admin = login_as("admin")
    on_list(key_project("甲项目"), admin)
    db.session.commit()
    rows = [line(1, "甲项目", level="国家级", completed="约300"), line(2, "", completed=1)]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "项目级别应为 省重点/市重点/区重点" in html and "金额格式无法识别" in html
    assert "项目名称不能为空" in html


# --- a month on record ----------------------------------------------------------------


def test_a_month_on_record_is_unchanged_with_the_same_figure_and_corrected_with_another(client, login_as):
    admin = login_as("admin")
    same = on_list(key_project("甲项目"), admin)
    other = on_list(key_project("乙项目"), admin)
    fd.report(same, admin, month=OCT, completed=635, progress="主体施工")
    fd.report(other, admin, month=OCT, completed=500, progress="主体施工")
    db.session.commit()
    rows = [line(1, "甲项目", completed="635"), line(2, "乙项目", completed=600, progress="")]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "将新增 0 条、更新 1 条、不变 1 条" in html
    assert "10月完成投资（万元）：500 → <strong>600</strong>" in html
    assert 'name="reason"' not in html  # not reviewed: no reason asked
    assert "更新 1 条" in commit(client)
    corrected = report_of(other.id, OCT)
    assert corrected.completed == Decimal(600) and corrected.progress == "主体施工"  # blank keeps
    assert corrected.revision == 0 and report_of(same.id, OCT).completed == Decimal(635)


def test_a_reviewed_month_is_corrected_with_one_reason_for_the_file(client, login_as):
    admin = login_as("admin")
    project = on_list(key_project("甲项目"), admin)
    fd.report(project, admin, month=OCT, completed=500, reviewed_by=admin)
    db.session.commit()
    html = upload(client, ledger([line(1, "甲项目", completed=520)])).get_data(as_text=True)
    assert "已审核月份：更正将形成修订记录并重新审核" in html and 'name="reason"' in html
    refused = commit(client)
    assert "须填写更正原因" in refused and "未导入任何数据" in refused
    report = report_of(project.id, OCT)
    assert report.completed == Decimal(500) and report.status is ReportStatus.REVIEWED
    assert "更新 1 条" in commit(client, reason="统计局反馈口径调整")
    db.session.expire_all()
    report = report_of(project.id, OCT)
    assert report.completed == Decimal(520) and report.status is ReportStatus.SUBMITTED and report.revision == 1
    revision = db.session.scalar(sa.select(InvestmentRevision))
    assert revision.reason == "统计局反馈口径调整" and revision.previous_completed == Decimal(500)


def test_a_tenfold_correction_waits_for_confirmation(client, login_as):
    admin = login_as("admin")
    project = on_list(key_project("甲项目"), admin)
    fd.report(project, admin, month=OCT, completed=500)
    db.session.commit()
    upload(client, ledger([line(1, "甲项目", completed="0.5亿")]))
    assert "金额变化 10 倍以上" in commit(client)
    assert report_of(project.id, OCT).completed == Decimal(500)
    commit(client, confirm_changes="1")
    db.session.expire_all()
    assert report_of(project.id, OCT).completed == Decimal(5000)


# --- plans and levels by role ---------------------------------------------------------


def test_staff_plan_differences_are_errors_and_level_differences_are_not_written(client, login_as):
    dept = factories.department("侯寨乡")
    admin = factories.user("admin")
    planned = on_list(key_project("甲项目", department=dept, level=ProjectLevel.CITY), admin, planned=1200)
    on_list(key_project("乙项目", department=dept), admin, planned=1200)
    key_project("丙项目", department=dept)  # not on 2026's list
    db.session.commit()
    login_as("staff", department=dept)
    rows = [
        line(1, "甲项目", level="省级", planned=1200, completed=100),
        line(2, "乙项目", planned="1500", completed=100),
        line(3, "丙项目", planned=900, completed=100),
    ]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "年度计划投资 1,500 万元与系统中 2026 年计划的 1,200 万元不一致" in html
    assert "该项目未列入 2026 年重点项目计划，不能填报该年度月报" in html
    assert "仅管理员可调整项目级别，不导入此项" in html
    upload(client, ledger(rows[:1]))
    assert "新增 1 条" in commit(client)
    assert db.session.get(Project, planned.id).level is ProjectLevel.CITY
    assert report_of(planned.id, OCT).completed == Decimal(100)


def test_an_admin_is_told_to_plan_a_project_off_the_list_and_phased_plans_stay_on_their_page(client, login_as):
    admin = login_as("admin")
    key_project("甲项目")
    phased = key_project("乙项目")
    fd.plan(phased, admin, year=2026, planned=1200, phasing=[100] * 12)
    db.session.commit()
    rows = [line(1, "甲项目", planned=None, completed=100), line(2, "乙项目", planned=2400, completed=100)]
    html = upload(client, ledger(rows)).get_data(as_text=True)
    assert "请在「年度计划投资」列填写计划投资" in html
    assert "已分月编排" in html
    assert db.session.scalar(sa.select(sa.func.count(AnnualPlan.id))) == 1


# --- all or nothing -------------------------------------------------------------------


def test_a_row_refused_at_commit_undoes_the_rows_before_it(client, login_as, monkeypatch):
    admin = login_as("admin")
    first = on_list(key_project("甲项目"), admin)
    on_list(key_project("乙项目"), admin)
    db.session.commit()
    upload(client, ledger([line(1, "甲项目", completed=100, level="区重点"), line(2, "乙项目", completed=100)]))
    real = investments_commit.file_report

    def refuse_the_second(project, *args, **kwargs):
        if project.name == "乙项目":
            raise ReportError("该月月报已由他人填报。")
        return real(project, *args, **kwargs)

    monkeypatch.setattr(investments_commit, "file_report", refuse_the_second)
    refused = commit(client)
    assert "未导入任何数据" in refused and "第 5 行（乙项目）：该月月报已由他人填报" in refused
    db.session.expire_all()
    assert reports() == 0 and report_of(first.id, OCT) is None
    assert db.session.get(Project, first.id).level is None
    assert db.session.scalar(sa.select(ImportBatch.status)) == "previewed"
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "import")) == 0


# --- pages, template, API --------------------------------------------------------------


def test_the_kind_shows_where_the_others_do(client, login_as):
    login_as("staff")
    assert "投资月报导入" in client.get("/imports/").get_data(as_text=True)
    page = client.get("/imports/investments").get_data(as_text=True)
    assert 'name="month"' in page and "投资月报导入" in page
    template = client.get("/imports/investments/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.data)).worksheets[0]
    assert sheet["A1"].value.startswith("2026年1-10月重点项目投资完成情况")  # the month due on 11-12
    assert [c.value for c in sheet[2]][:2] == ["序号", "项目名称*"]
    assert "1-10月累计完成投资(万元)" in [c.value for c in sheet[2]]


def test_viewers_and_leaders_cannot_import(client, login_as):
    login_as("viewer")
    assert upload(client, ledger([line(1, "甲项目", completed=1)])).status_code == 403
    assert client.get("/imports/investments/template.xlsx").status_code == 403


def test_the_api_imports_a_monthly_ledger(client):
    admin = factories.user("admin")
    project = on_list(key_project("甲项目"), admin)
    fd.report(project, admin, month=OCT, completed=500, reviewed_by=admin)
    db.session.commit()
    data = ledger([line(1, "甲项目", completed=520)], title=None)

    def post(query: str):
        return client.post(
            f"/api/v1/imports/investments?{query}",
            data={"file": (io.BytesIO(data), "月报.xlsx")},
            content_type="multipart/form-data",
            headers=bearer(admin),
        )

    assert "无法确定月报月份" in post("").get_json()["error"]["message"]
    dry = post("month=2026-10").get_json()
    assert dry["month"] == "2026-10" and dry["reason_needed"] == [2] and dry["updated"] == 1
    refused = post("month=2026-10&commit=1")
    assert refused.status_code == 422 and "须填写更正原因" in refused.get_json()["error"]["message"]
    done = post("month=2026-10&commit=1&reason=口径调整")
    assert done.status_code == 200 and done.get_json()["committed"] is True
    db.session.expire_all()
    assert report_of(project.id, OCT).completed == Decimal(520)
