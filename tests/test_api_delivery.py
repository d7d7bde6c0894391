"""Project delivery over the API: annual plans (admin only; 201 created, 200
updated with the plan's version, 409 stale), monthly investment reports
(one per month, 409 for a month filed twice, corrections with a reason as
revisions after review, review by a reviewer), the same totals the services
keep, and every refusal writing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.api.tokens import issue_token
from app.db import db, utcnow
from app.delivery import plans as plan_services
from app.delivery.schedule import rate
from app.models import AnnualPlan, AuditLog, InvestmentReport, InvestmentRevision, PlanMonth, Role, Stage
from tests import factories
from tests import factories_delivery as fd
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = dt.date(2026, 6, 15)
# 分月计划 of 3.5亿 (35,000 万元).
PHASING = ["1000", "1000", "2000", "2000", "3000", "3000", "4000", "4000", "4000", "4000", "4000", "3000"]


@pytest.fixture
def town(set_today):
    set_today(TODAY)
    east, west, zone = (
        factories.department("东城街道"),
        factories.department("西城街道"),
        factories.department("开发区"),
    )
    alice = factories.user(Role.STAFF, department=east, name="孙丽娜")
    bob = factories.user(Role.STAFF, department=west, name="周强")
    member = factories.user(Role.STAFF, department=zone, name="专班成员")
    leader = factories.user(Role.LEADER, name="王副区长")
    reviewer = factories.user(Role.VIEWER, name="发改局审核员", reviews_investment=True)
    viewer = factories.user(Role.VIEWER, name="督查员")
    admin = factories.user(Role.ADMIN)
    project = fp.project(
        name="东城新材料产业园",
        department=east,
        stage=Stage.CONSTRUCTION,
        leader=leader,
        team=[member],
        created_on=dt.date(2025, 1, 1),
    )
    hidden = fp.project(name="西城物流园", department=west, stage=Stage.CONSTRUCTION, created_on=dt.date(2025, 1, 1))
    db.session.commit()
    return {
        "alice": alice,
        "bob": bob,
        "member": member,
        "leader": leader,
        "reviewer": reviewer,
        "viewer": viewer,
        "admin": admin,
        "project": project,
        "hidden": hidden,
    }


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def with_plan(town, planned: int = 24000) -> AnnualPlan:
    plan = fd.plan(town["project"], town["admin"], year=2026, planned=planned)
    db.session.commit()
    return plan


# --- annual plans ---------------------------------------------------------------------


def test_admin_puts_a_plan_then_updates_it_with_its_version(client, town):
    project, admin = town["project"], town["admin"]
    url = f"/api/v1/projects/{project.id}/plans/2026"
    created = client.put(
        url,
        json={
            "planned_investment": "3.5亿",
            "planned_start_on": "2026-03-01",
            "planned_production_on": "2026-12-20",
            "content": "主体厂房封顶",
            "phasing": PHASING,
        },
        headers=bearer(admin),
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["planned_investment"] == "35000.0000" and body["year"] == 2026
    assert body["phasing"][0] == "1000.0000" and len(body["phasing"]) == 12
    assert body["completed"] == "0.0000" and body["rate"] == "0.0" and body["reported_through"] is None
    db.session.expire_all()
    assert project.is_key  # a project on the year's list is a key project
    version = plan_services.plan_of(project.id, 2026).version
    assert body["version"] == version
    headers = bearer(admin)
    missing_version = client.put(url, json={"planned_investment": "36000"}, headers=headers)
    assert missing_version.status_code == 422 and "version" in missing_version.get_json()["error"]["fields"]
    updated = client.put(url, json={"planned_investment": "36000", "version": version}, headers=headers)
    assert updated.status_code == 200, updated.get_json()
    assert updated.get_json()["planned_investment"] == "36000.0000" and updated.get_json()["version"] == version + 1
    # The plan is sent whole: what was left out (dates, content, phasing) is cleared.
    assert updated.get_json()["phasing"] is None and updated.get_json()["planned_start_on"] is None
    stale = client.put(url, json={"planned_investment": "1", "version": version}, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"]
    db.session.expire_all()
    plan = plan_services.plan_of(project.id, 2026)
    assert plan.planned_investment == Decimal("36000") and count(PlanMonth) == 0
    listed = client.get(f"/api/v1/projects/{project.id}/plans", headers=bearer(town["alice"])).get_json()
    assert listed["total"] == 1 and listed["items"][0]["planned_investment"] == "36000.0000"


def test_only_an_admin_keeps_the_plans_and_nothing_is_written_otherwise(client, town):
    project, hidden = town["project"], town["hidden"]
    body = {"planned_investment": "1200"}
    for who in ("alice", "member", "leader", "viewer", "reviewer"):
        response = client.put(f"/api/v1/projects/{project.id}/plans/2026", json=body, headers=bearer(town[who]))
        assert response.status_code == 403, who
    invisible = client.put(f"/api/v1/projects/{hidden.id}/plans/2026", json=body, headers=bearer(town["alice"]))
    assert invisible.status_code == 404
    assert client.get(f"/api/v1/projects/{hidden.id}/plans", headers=bearer(town["alice"])).status_code == 404
    token, _row = issue_token(town["admin"], "只读", scope="read")
    db.session.commit()
    read_only = client.put(
        f"/api/v1/projects/{project.id}/plans/2026", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert read_only.status_code == 403
    assert count(AnnualPlan) == 0


@pytest.mark.parametrize(
    ("year", "body", "field"),
    [
        (2030, {"planned_investment": "1200"}, "year"),
        (2026, {"planned_investment": "-1"}, "planned_investment"),
        (2026, {"planned_investment": "一千二"}, "planned_investment"),
        (2026, {"planned_investment": "1200", "planned_start_on": "2025-12-01"}, "planned_start_on"),
        (2026, {"planned_investment": "1200", "phasing": ["100"] * 11}, "phasing"),
        (2026, {"planned_investment": "1200", "phasing": ["100"] * 11 + ["1"]}, "phasing"),
        (2026, {"planned_investment": "1200", "phasing": ["100"] * 11 + ["-100"]}, "phasing.11"),
    ],
)
def test_a_refused_plan_names_the_field_and_writes_nothing(client, town, year, body, field):
    response = client.put(
        f"/api/v1/projects/{town['project'].id}/plans/{year}", json=body, headers=bearer(town["admin"])
    )
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert field in error["fields"] and error["message"], error
    assert count(AnnualPlan) == 0 and count(PlanMonth) == 0
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditLog.entity == "annual_plan")) == 0


# --- monthly reports ------------------------------------------------------------------


def test_two_months_filed_give_the_same_totals_as_the_services(client, town):
    project, alice = town["project"], town["alice"]
    with_plan(town, planned=24000)
    url = f"/api/v1/projects/{project.id}/investments"
    april = client.post(
        url, json={"month": "2026-04", "completed": "3,200", "progress": "桩基完成"}, headers=bearer(alice)
    )
    assert april.status_code == 201, april.get_json()
    assert april.get_json()["status"] == "submitted" and april.get_json()["reported_by_id"] == alice.id
    may = client.post(url, json={"month": "2026-05", "completed": "0.18亿"}, headers=bearer(town["member"]))
    assert may.status_code == 201 and may.get_json()["completed"] == "1800.0000"
    plan = client.get(f"/api/v1/projects/{project.id}/plans", headers=bearer(alice)).get_json()["items"][0]
    assert plan["completed"] == "5000.0000" and plan["reported_through"] == "2026-05"
    assert plan["rate"] == "20.8"  # 5000 / 24000, one decimal
    stored = plan_services.plan_of(project.id, 2026)
    assert Decimal(plan["completed"]) == stored.completed
    assert Decimal(plan["rate"]) == rate(stored.completed, stored.planned_investment)
    shown = client.get(f"/api/v1/projects/{project.id}", headers=bearer(alice)).get_json()
    assert shown["completed_investment"] == "5000.0000"
    listed = client.get(f"{url}?year=2026", headers=bearer(town["viewer"])).get_json()
    assert [(r["month"], r["completed"]) for r in listed["items"]] == [
        ("2026-04", "3200.0000"),
        ("2026-05", "1800.0000"),
    ]
    assert listed["items"][0]["progress"] == "桩基完成" and listed["items"][0]["revisions"] == []
    assert client.get(f"{url}?year=2025", headers=bearer(alice)).get_json()["total"] == 0


def test_a_month_filed_twice_is_a_conflict_and_a_correction_needs_a_reason(client, town):
    project, alice = town["project"], town["alice"]
    with_plan(town)
    url = f"/api/v1/projects/{project.id}/investments"
    first = client.post(
        url, json={"month": "2026-05", "completed": "1000", "progress": "基础施工"}, headers=bearer(alice)
    )
    assert first.status_code == 201
    again = client.post(url, json={"month": "2026-05", "completed": "1500"}, headers=bearer(alice))
    assert again.status_code == 409 and "month" in again.get_json()["error"]["fields"]
    assert count(InvestmentReport) == 1
    # Before review, a correction with a reason updates the month (the progress kept when not sent).
    corrected = client.post(
        url, json={"month": "2026-05", "completed": "1500", "reason": "漏报设备款"}, headers=bearer(alice)
    )
    assert corrected.status_code == 200, corrected.get_json()
    assert corrected.get_json()["completed"] == "1500.0000" and corrected.get_json()["progress"] == "基础施工"
    assert corrected.get_json()["revision"] == 0 and corrected.get_json()["status"] == "submitted"
    report_id, version = corrected.get_json()["id"], corrected.get_json()["version"]
    # Reviewed: locked.
    refused = client.post(f"/api/v1/investments/{report_id}/review", json={}, csrf=False, headers=bearer(alice))
    assert refused.status_code == 403
    reviewed = client.post(
        f"/api/v1/investments/{report_id}/review", json={"version": version}, headers=bearer(town["reviewer"])
    )
    assert reviewed.status_code == 200, reviewed.get_json()
    assert reviewed.get_json()["status"] == "reviewed" and reviewed.get_json()["reviewed_by_id"] == town["reviewer"].id
    twice = client.post(f"/api/v1/investments/{report_id}/review", json={}, csrf=False, headers=bearer(town["admin"]))
    assert twice.status_code == 422
    locked_version = reviewed.get_json()["version"]
    no_reason = client.post(url, json={"month": "2026-05", "completed": "1600"}, headers=bearer(alice))
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    stale = client.post(
        url,
        json={"month": "2026-05", "completed": "1600", "reason": "审计调整", "version": version},
        headers=bearer(alice),
    )
    assert stale.status_code == 409
    db.session.expire_all()
    report = db.session.get(InvestmentReport, report_id)
    assert report.completed == Decimal("1500") and report.revision == 0 and count(InvestmentRevision) == 0
    revised = client.post(
        url,
        json={"month": "2026-05", "completed": "1600", "reason": "审计调整", "version": locked_version},
        headers=bearer(alice),
    )
    assert revised.status_code == 200, revised.get_json()
    body = revised.get_json()
    assert body["revision"] == 1 and body["status"] == "submitted" and body["reviewed_by_id"] is None
    revision = body["revisions"][0]
    assert (revision["previous_completed"], revision["completed"], revision["reason"]) == (
        "1500.0000",
        "1600.0000",
        "审计调整",
    )
    assert revision["changed_by_id"] == alice.id
    plan = client.get(f"/api/v1/projects/{project.id}/plans", headers=bearer(alice)).get_json()["items"][0]
    assert plan["completed"] == "1600.0000"
    listed = client.get(f"/api/v1/projects/{project.id}/investments", headers=bearer(alice)).get_json()
    assert listed["items"][0]["revisions"] == body["revisions"]


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"month": "2026-13", "completed": "100"}, "month", 422),
        ({"month": "2026/05", "completed": "100"}, "month", 422),
        ({"month": 202605, "completed": "100"}, "month", 422),
        ({"month": "2026-07", "completed": "100"}, "month", 422),  # a future month
        ({"month": "2025-12", "completed": "100"}, "month", 422),  # 2025 has no plan
        ({"month": "2026-05", "completed": "-5"}, "completed", 422),
        ({"month": "2026-05", "completed": "一百"}, "completed", 422),
        ({"month": "2026-05"}, "completed", 422),
        ({"month": "2026-04", "completed": "100"}, "month", 409),  # April is filed
        ({"month": "2026-03", "completed": "100"}, "reason", 422),  # March is reviewed: locked
    ],
)
def test_a_refused_report_names_the_field_and_writes_nothing(client, town, body, field, status):
    project = town["project"]
    with_plan(town)
    fd.report(project, town["admin"], month=dt.date(2026, 3, 1), completed=700, reviewed_by=town["reviewer"])
    fd.report(project, town["admin"], month=dt.date(2026, 4, 1), completed=800)
    db.session.commit()
    headers = bearer(town["alice"])
    audits = db.session.scalar(sa.select(sa.func.count(AuditLog.id)))
    response = client.post(f"/api/v1/projects/{project.id}/investments", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert field in error["fields"] and error["fields"][field], error
    assert count(InvestmentReport) == 2 and count(InvestmentRevision) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == audits
    plan = plan_services.plan_of(project.id, 2026)
    assert plan.completed == Decimal("1500") and plan.reported_through == dt.date(2026, 4, 1)


def test_who_may_file_review_and_see_reports(client, town):
    project, hidden = town["project"], town["hidden"]
    with_plan(town)
    fd.plan(hidden, town["admin"], year=2026)
    hidden_report = fd.report(hidden, town["admin"], month=dt.date(2026, 5, 1), completed=100)
    db.session.commit()
    body = {"month": "2026-05", "completed": "100"}
    url = f"/api/v1/projects/{project.id}/investments"
    for who in ("leader", "viewer", "reviewer", "bob"):
        expected = 404 if who == "bob" else 403
        assert client.post(url, json=body, headers=bearer(town[who])).status_code == expected, who
    assert client.get(url, headers=bearer(town["bob"])).status_code == 404
    hidden_url = f"/api/v1/projects/{hidden.id}/investments"
    assert client.post(hidden_url, json=body, headers=bearer(town["alice"])).status_code == 404
    review = f"/api/v1/investments/{hidden_report.id}/review"
    assert client.post(review, json={}, csrf=False, headers=bearer(town["alice"])).status_code == 404
    token, _row = issue_token(town["alice"], "只读", scope="read")
    db.session.commit()
    read_only = client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert read_only.status_code == 403
    assert count(InvestmentReport) == 1
    # The team member from another department and the lead department's staff may.
    assert client.post(url, json=body, headers=bearer(town["member"])).status_code == 201
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).get_json()["total"] == 1
    # An archived project's reports go with it (for everyone but an admin).
    hidden.archived_at = utcnow()
    db.session.commit()
    assert client.post(review, json={}, csrf=False, headers=bearer(town["reviewer"])).status_code == 404
    assert client.post(review, json={}, csrf=False, headers=bearer(town["admin"])).status_code == 200


def test_report_and_plan_lists_send_the_same_queries_whatever_the_rows(client, town, count_queries):
    project, admin = town["project"], town["admin"]
    headers = bearer(town["alice"])

    def queries(path: str) -> int:
        client.get(path, headers=headers)  # warm-up
        with count_queries() as n:
            response = client.get(path, headers=headers)
        assert response.status_code == 200 and response.get_json()["total"] >= 1
        return n()

    fd.plan(project, admin, year=2026, phasing=[2000] * 12, planned=24000)
    fd.report(project, admin, month=dt.date(2026, 1, 1), completed=100, reviewed_by=admin)
    db.session.commit()
    few = (queries(f"/api/v1/projects/{project.id}/investments"), queries(f"/api/v1/projects/{project.id}/plans"))
    fd.plan(project, admin, year=2025, phasing=[1000] * 12, planned=12000)
    for month in range(1, 13):
        fd.report(project, admin, month=dt.date(2025, month, 1), completed=100, reviewed_by=admin)
    for month in (2, 3, 4, 5):
        fd.report(project, admin, month=dt.date(2026, month, 1), completed=100, reviewed_by=admin)
    from app.delivery import investments

    for report in db.session.scalars(sa.select(InvestmentReport)):
        investments.correct_report(report, Decimal(150), None, admin, reason="复核调整")
    db.session.commit()
    many = (queries(f"/api/v1/projects/{project.id}/investments"), queries(f"/api/v1/projects/{project.id}/plans"))
    assert many == few and max(many) <= 8


def test_the_document_states_both_success_answers_and_the_month_format(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    put = spec["paths"]["/api/v1/projects/{project_id}/plans/{year}"]["put"]
    post = spec["paths"]["/api/v1/projects/{project_id}/investments"]["post"]
    for op in (put, post):
        assert {"200", "201", "403", "404", "409", "422"} <= set(op["responses"])
    month = spec["components"]["schemas"]["InvestmentIn"]["properties"]["month"]
    assert month["pattern"] == r"^20\d{2}-(0[1-9]|1[0-2])$" and "YYYY-MM" in month["description"]
    review = spec["paths"]["/api/v1/investments/{report_id}/review"]["post"]
    assert {"403", "404", "409"} <= set(review["responses"])
