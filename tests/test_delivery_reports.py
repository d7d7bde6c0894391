"""Monthly investment reports (投资月报) and annual plans: the rules (a future
month, a negative amount, a year without a plan, a plan before the project
existed, a month filed twice, a locked month), revisions after review, the
maintained totals, who may do what — through the pages and the services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from app import attachments, clock
from app.db import db
from app.delivery import investments, plans
from app.models import AnnualPlan, AuditLog, InvestmentReport, InvestmentRevision, Project, ReportStatus, Role, Stage
from tests import factories
from tests import factories_delivery as fd
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 10)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    admin = factories.user("admin")
    staff = factories.user("staff", department=east)
    project = fp.project(
        name="智能装备产业园", department=east, created_on=dt.date(2025, 3, 1), stage=Stage.CONSTRUCTION
    )
    fd.plan(project, admin, year=2026, planned=1200)
    db.session.commit()
    return {"east": east, "west": west, "admin": admin, "staff": staff, "project": project}


def reports_of(project: Project) -> list[InvestmentReport]:
    return list(db.session.scalars(sa.select(InvestmentReport).where(InvestmentReport.project_id == project.id)))


def test_staff_files_a_month_on_the_page_and_the_totals_follow(client, login_as, world):
    login_as(world["staff"])
    project = world["project"]
    page = client.get(f"/delivery/projects/{project.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="2026-06"' in html  # June is the month due on 07-10
    response = client.post(
        f"/delivery/projects/{project.id}", data={"month": "2026-06", "completed": "0.03亿", "progress": "主体封顶"}
    )
    assert response.status_code == 302
    response = client.post(f"/delivery/projects/{project.id}", data={"month": "2026-05", "completed": "250"})
    assert response.status_code == 302
    db.session.expire_all()
    plan = db.session.scalar(sa.select(AnnualPlan).where(AnnualPlan.project_id == project.id))
    assert plan.completed == Decimal("550")
    assert plan.reported_through == dt.date(2026, 6, 1)
    assert db.session.get(Project, project.id).completed_investment == Decimal("550")
    june = next(r for r in reports_of(project) if r.month == dt.date(2026, 6, 1))
    assert (june.completed, june.progress, june.status) == (Decimal("300"), "主体封顶", ReportStatus.SUBMITTED)
    audit = db.session.scalar(
        sa.select(AuditLog).where(AuditLog.entity == "investment_report", AuditLog.entity_id == june.id)
    )
    assert audit.action == "create" and audit.user_id == world["staff"].id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "2026-08", "completed": "10"}, "月报月份不能晚于本月。"),
        ({"month": "2026-06", "completed": "-5"}, "不能为负数"),
        ({"month": "2025-12", "completed": "10"}, "该项目未列入 2025 年重点项目计划"),
        ({"month": "2026-06", "completed": "三千"}, "金额"),
        ({"month": "abc", "completed": "10"}, "请按“年-月”填写月份"),
    ],
)
def test_bad_months_and_amounts_are_refused_and_nothing_is_written(client, login_as, world, data, message):
    login_as(world["staff"])
    response = client.post(f"/delivery/projects/{world['project'].id}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert reports_of(world["project"]) == []


def test_a_month_filed_twice_is_refused_with_what_is_on_record(client, login_as, world):
    login_as(world["staff"])
    project = world["project"]
    client.post(f"/delivery/projects/{project.id}", data={"month": "2026-06", "completed": "300"})
    response = client.post(f"/delivery/projects/{project.id}", data={"month": "2026-06", "completed": "400"})
    assert response.status_code == 422
    assert "2026年6月 的月报已填报（300.00 万元）" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [r.completed for r in reports_of(project)] == [Decimal("300")]


def test_review_locks_the_month_and_a_correction_is_a_revision_with_a_reason(client, login_as, world):
    project = world["project"]
    report = fd.report(project, world["staff"], month=dt.date(2026, 6, 1), completed=300)
    db.session.commit()
    login_as(world["admin"])
    assert client.post(f"/delivery/reports/{report.id}/review", data={"version": report.version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(InvestmentReport, report.id).status is ReportStatus.REVIEWED

    client.post("/auth/logout")
    login_as(world["staff"])
    refused = client.post(f"/delivery/reports/{report.id}/correct", data={"completed": "320", "version": 2})
    assert refused.status_code == 422
    assert "已审核锁定，更正须写明原因" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(InvestmentReport, report.id).completed == Decimal("300")

    fixed = client.post(
        f"/delivery/reports/{report.id}/correct", data={"completed": "320", "reason": "统计口径调整", "version": 2}
    )
    assert fixed.status_code == 302
    db.session.expire_all()
    row = db.session.get(InvestmentReport, report.id)
    assert (row.completed, row.revision, row.status) == (Decimal("320"), 1, ReportStatus.SUBMITTED)
    revision = db.session.scalar(sa.select(InvestmentRevision).where(InvestmentRevision.report_id == report.id))
    assert (revision.previous_completed, revision.completed, revision.reason) == (
        Decimal("300"),
        Decimal("320"),
        "统计口径调整",
    )
    assert db.session.get(Project, project.id).completed_investment == Decimal("320")
    page = client.get(f"/delivery/projects/{project.id}").get_data(as_text=True)
    assert "第1次更正：300.00 → 320.00 万元，原因：统计口径调整" in page


def test_only_reviewers_review_and_the_right_can_be_given(client, login_as, world):
    report = fd.report(world["project"], world["staff"], month=dt.date(2026, 6, 1), completed=300)
    reviewer = factories.user("staff", department=world["west"], reviews_investment=True)
    db.session.commit()
    login_as(world["staff"])
    assert client.post(f"/delivery/reports/{report.id}/review").status_code == 403
    client.post("/auth/logout")
    login_as(reviewer)
    # The reviewer of another department still sees only what their scope shows.
    assert client.post(f"/delivery/reports/{report.id}/review").status_code == 404


def test_the_bureau_reviews_many_from_the_list(client, login_as, world):
    admin = world["admin"]
    other = fp.project(name="生物医药基地", department=world["east"], created_on=dt.date(2025, 3, 1))
    fd.plan(other, admin, year=2026, planned=600)
    first = fd.report(world["project"], world["staff"], month=dt.date(2026, 6, 1), completed=300)
    second = fd.report(other, world["staff"], month=dt.date(2026, 6, 1), completed=100)
    db.session.commit()
    login_as(admin)
    listing = client.get("/delivery/?month=2026-06").get_data(as_text=True)
    assert "智能装备产业园" in listing and "生物医药基地" in listing
    response = client.post(
        "/delivery/review", data={"report_id": [first.id, second.id], "next": "/delivery/?month=2026-06"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/delivery/?month=2026-06"
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(sa.select(InvestmentReport))} == {ReportStatus.REVIEWED}
    evil = client.post("/delivery/review", data={"report_id": [first.id], "next": "https://evil.example/"})
    assert evil.headers["Location"] == "/delivery/"


def test_the_list_shows_who_has_not_reported(client, login_as, world):
    admin = world["admin"]
    other = fp.project(name="生物医药基地", department=world["east"], created_on=dt.date(2025, 3, 1))
    fd.plan(other, admin, year=2026, planned=600)
    fd.report(world["project"], world["staff"], month=dt.date(2026, 6, 1), completed=300)
    db.session.commit()
    login_as(world["staff"])
    missing = client.get("/delivery/?month=2026-06&status=missing").get_data(as_text=True)
    assert "生物医药基地" in missing and "智能装备产业园" not in missing
    submitted = client.get("/delivery/?month=2026-06&status=submitted").get_data(as_text=True)
    assert "智能装备产业园" in submitted and "生物医药基地" not in submitted
    future = client.get("/delivery/?month=2027-01").get_data(as_text=True)
    assert "晚于本月，已忽略" in future


def test_staff_of_another_department_cannot_report_for_the_project(client, login_as, world):
    outsider = factories.user("staff", department=world["west"])
    member = factories.user("staff", department=world["west"])
    world["project"].team = [member]
    db.session.commit()
    login_as(outsider)
    assert (
        client.post(
            f"/delivery/projects/{world['project'].id}", data={"month": "2026-06", "completed": "1"}
        ).status_code
        == 404
    )
    client.post("/auth/logout")
    login_as(member)  # on the team: may report though of another department
    assert (
        client.post(
            f"/delivery/projects/{world['project'].id}", data={"month": "2026-06", "completed": "1"}
        ).status_code
        == 302
    )


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER])
def test_read_only_roles_see_but_cannot_file(client, login_as, world, role):
    login_as(role.value)
    project = world["project"]
    assert client.get(f"/delivery/projects/{project.id}").status_code == 200
    assert (
        client.post(f"/delivery/projects/{project.id}", data={"month": "2026-06", "completed": "1"}).status_code == 403
    )
    assert reports_of(project) == []


def test_plans_are_the_bureaus_and_checked(client, login_as, world):
    project = world["project"]
    login_as(world["staff"])
    assert client.get(f"/delivery/projects/{project.id}/plans/new").status_code == 403
    client.post("/auth/logout")
    login_as(world["admin"])
    early = client.post(f"/delivery/projects/{project.id}/plans/new", data={"year": 2024, "planned_investment": "100"})
    assert "项目 2025 年才建档，不能编制 2024 年的计划" in early.get_data(as_text=True)
    outside = client.post(
        f"/delivery/projects/{project.id}/plans/new",
        data={"year": 2027, "planned_investment": "100", "planned_start_on": "2026-12-01"},
    )
    assert "计划开工日期须在 2027 年内" in outside.get_data(as_text=True)
    phasing = {f"m{m}": "100" for m in range(1, 13)}
    wrong = client.post(
        f"/delivery/projects/{project.id}/plans/new", data={"year": 2027, "planned_investment": "1300", **phasing}
    )
    assert "分月计划合计 1,200.00 万元，与年度计划投资 1,300.00 万元不一致" in wrong.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AnnualPlan.id))) == 1
    ok = client.post(
        f"/delivery/projects/{project.id}/plans/new",
        data={"year": 2027, "planned_investment": "1.2亿", **phasing} | {"m12": "10900"},
    )
    assert ok.status_code == 302
    plan = plans.plan_of(project.id, 2027)
    assert plan.planned_investment == Decimal("12000") and [m.cumulative for m in plan.months][-1] == Decimal("12000")


def test_a_plan_puts_the_project_on_the_key_list(world):
    project = fp.project(is_key=False, created_on=dt.date(2026, 1, 5))
    plans.save_plan(project, 2026, {"planned_investment": Decimal(10)}, world["admin"])
    assert project.is_key is True


def test_copy_forward_carries_the_live_projects_to_the_next_year(client, login_as, world, set_today):
    set_today(dt.date(2026, 12, 20))
    exited = fp.project(name="已退出项目", stage=Stage.EXITED, created_on=dt.date(2025, 3, 1))
    db.session.add(AnnualPlan(project_id=exited.id, year=2026, planned_investment=Decimal(5), completed=Decimal(0)))
    db.session.commit()
    login_as(world["admin"])
    response = client.post("/delivery/plans/copy-forward", data={"year": 2027})
    assert response.status_code == 302
    carried = db.session.scalars(sa.select(AnnualPlan).where(AnnualPlan.year == 2027)).all()
    assert [(p.project_id, p.planned_investment) for p in carried] == [(world["project"].id, Decimal("1200"))]
    again = client.post("/delivery/plans/copy-forward", data={"year": 2027}, follow_redirects=True)
    assert "新增 0 个项目" in again.get_data(as_text=True)


def test_the_project_page_shows_the_year_and_the_light_reason(client, login_as, world):
    fd.report(world["project"], world["staff"], month=dt.date(2026, 5, 1), completed=100)
    db.session.commit()
    login_as(world["admin"])
    html = client.get(f"/projects/{world['project'].id}").get_data(as_text=True)
    assert "年度计划与投资月报" in html
    assert "2026-06 投资月报未报（截止 2026-07-05）" in html  # the light's reason
    assert "填报 2026-06 月报" in html


def test_services_refuse_a_negative_correction_and_an_unchanged_one(world):
    report = fd.report(world["project"], world["staff"], month=dt.date(2026, 6, 1), completed=300)
    with pytest.raises(investments.ReportError, match="不能为负数"):
        investments.correct_report(report, Decimal(-1), None, world["staff"])
    with pytest.raises(investments.ReportError, match="无需更正"):
        investments.correct_report(report, Decimal(300), None, world["staff"])
    assert clock.today() == TODAY


def test_the_leaders_desk_shows_the_year_against_the_schedule_and_follows_a_review(client, login_as, world):
    leader = factories.user("leader")
    project = world["project"]
    project.responsible_leader_id = leader.id
    for month in range(1, 6):
        fd.report(project, world["staff"], month=dt.date(2026, month, 1), completed=100)
    db.session.commit()
    login_as(leader)
    desk = client.get("/projects/desk").get_data(as_text=True)
    # 500 of 1200 through June's schedule of 600: 41.7 % against 50.0 %.
    assert "41.7%" in desk and "50.0%" in desk
    assert "2026-06 投资月报未报（截止 2026-07-05）" in desk
    fd.report(project, world["staff"], month=dt.date(2026, 6, 1), completed=100)
    db.session.commit()
    desk = client.get("/projects/desk").get_data(as_text=True)
    assert "50.0%" in desk and "41.7%" not in desk and "投资月报未报" not in desk


def test_admin_gives_the_review_right_and_it_is_audited(client, login_as, world):
    target = factories.user("staff", department=world["west"])
    db.session.commit()
    login_as(world["admin"])
    data = {
        "username": target.username,
        "name": target.name,
        "role": "staff",
        "scope": "department",
        "department_id": world["west"].id,
        "reviews_investment": "y",
    }
    assert client.post(f"/admin/users/{target.id}", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(target), target.id).reviews_investment is True
    entry = db.session.scalar(
        sa.select(AuditLog).where(
            AuditLog.entity == "user", AuditLog.entity_id == target.id, AuditLog.action == "update"
        )
    )
    assert entry.changes["reviews_investment"] == [False, True]


def test_the_list_exports_what_it_shows(client, login_as, world):
    fd.report(world["project"], world["staff"], month=dt.date(2026, 6, 1), completed=300)
    db.session.commit()
    login_as(world["staff"])
    page = client.get("/delivery/?month=2026-06&status=submitted").get_data(as_text=True)
    assert 'href="/delivery/investments/export.xlsx?month=2026-06&amp;status=submitted"' in page
    response = client.get("/delivery/investments/export.xlsx?month=2026-06&status=submitted")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert "智能装备产业园" in names


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_site_photo_goes_with_the_month_and_is_locked_with_it(client, login_as, world):
    login_as(world["staff"])
    project = world["project"]
    response = client.post(
        f"/delivery/projects/{project.id}",
        data={"month": "2026-06", "completed": "300", "photo": (io.BytesIO(PNG), "六月现场.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/delivery/projects/{project.id}").get_data(as_text=True)
    assert "六月现场.png" in page
    report = reports_of(project)[0]
    photo = attachments.for_owners("investment_report", [report.id])[report.id][0]
    assert client.get(f"/delivery/files/{photo.id}").data == PNG

    pdf = client.post(
        f"/delivery/reports/{report.id}/photos",
        data={"photo": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "说明.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "现场照片须为 JPG 或 PNG 图片" in pdf.get_data(as_text=True)

    outsider = factories.user("staff", department=world["west"])
    db.session.commit()
    client.post("/auth/logout")
    login_as(outsider)
    assert client.get(f"/delivery/files/{photo.id}").status_code == 404

    investments.review_report(db.session.get(InvestmentReport, report.id), world["admin"])
    db.session.commit()
    client.post("/auth/logout")
    login_as(world["staff"])
    locked = client.post(
        f"/delivery/reports/{report.id}/photos",
        data={"photo": (io.BytesIO(PNG), "补拍.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已审核锁定，不能再添加照片" in locked.get_data(as_text=True)
    assert len(attachments.for_owners("investment_report", [report.id])[report.id]) == 1


def test_the_ledger_export_stays_in_chinese_for_an_english_page(client, login_as, world):
    """The monthly import reads the ledger's Chinese title and headers back."""
    fd.report(world["project"], world["staff"], month=dt.date(2026, 6, 1), completed=300)
    db.session.commit()
    login_as(world["staff"])
    assert "Monthly" in client.get("/delivery/?month=2026-06&lang=en").get_data(as_text=True)
    response = client.get("/delivery/investments/export.xlsx?month=2026-06")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("2026年1-6月重点项目投资完成情况")
    assert "项目名称" in rows[1] and "市重点" not in rows[1]
