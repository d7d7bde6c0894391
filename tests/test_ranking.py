"""比学赶超综合排名: each part on its own (targets pro-rated and capped,
观摩 from closed events only, problems and rectifications closed by their
deadline), the weighted total with a part a department lacks left out and
a part nobody has reweighted (and said so), the admin's weights, the page,
the .xlsx and the supervisor's 龙虎榜 link."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.db import db
from app.models import (
    AuditLog,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Problem,
    ProblemStatus,
    Role,
    TargetMetric,
)
from app.reports import ranking, targets
from app.reports.filters import Filters, ReportQuery
from app.reports.periods import Period
from app.reviews import services as reviews
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 1)
H1 = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@pytest.fixture
def district(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    admin = factories.user(Role.ADMIN, name="管理员")
    db.session.commit()
    return {"east": east, "west": west, "admin": admin}


def _query(start: dt.date, end: dt.date) -> ReportQuery:
    return ReportQuery(period=Period(start, end, "custom"), filters=Filters(), today=TODAY)


def _problem(dept, deadline, status=ProblemStatus.IN_PROGRESS, resolved_on=None):
    project = fp.project(department=dept)
    db.session.add(
        Problem(
            project_id=project.id,
            description="用地指标",
            raised_on=deadline - dt.timedelta(days=30),
            responsible_department_id=dept.id,
            deadline=deadline,
            status=status,
            resolved_on=resolved_on,
        )
    )


def _inspection(dept, deadline, closed_on=None):
    db.session.add(
        Inspection(
            inspected_on=deadline - dt.timedelta(days=20),
            kind=InspectionKind.INSPECTION,
            department_id=dept.id,
            description="窗口办事效率低",
            requirement="限期整改",
            deadline=deadline,
            responsible_department_id=dept.id,
            status=InspectionStatus.CLOSED if closed_on else InspectionStatus.RECTIFYING,
            closed_on=closed_on,
        )
    )


def test_targets_are_pro_rated_to_the_period_and_capped(district):
    east, west = district["east"], district["west"]
    targets.save_targets(
        2026,
        {(east.id, TargetMetric.LEADS_COLLECTED): Decimal(20), (west.id, TargetMetric.LEADS_COLLECTED): Decimal(20)},
    )
    for _n in range(5):
        fl.lead(department=east, received_on=dt.date(2026, 3, 1))
    for _n in range(30):
        fl.lead(department=west, received_on=dt.date(2026, 3, 1))
    db.session.commit()
    scores = ranking.target_scores(*H1, TODAY)
    # half a year (181 of 365 days): a target of 20 → 9.918…; east 5 / 9.918 = 50.4 %, west capped at 100
    assert scores[west.id] == 100
    assert round(scores[east.id], 1) == Decimal("50.4")


def test_problems_count_those_due_and_past_and_closed_by_their_deadline(district):
    east = district["east"]
    _problem(east, dt.date(2026, 3, 10), ProblemStatus.CLOSED, resolved_on=dt.date(2026, 3, 9))  # on time
    _problem(east, dt.date(2026, 4, 10), ProblemStatus.CLOSED, resolved_on=dt.date(2026, 4, 20))  # late
    _problem(east, dt.date(2026, 5, 10))  # still open, past: late
    _problem(east, dt.date(2026, 7, 20))  # not due in the period
    _problem(east, dt.date(2026, 6, 30), ProblemStatus.CLOSED, resolved_on=dt.date(2026, 6, 28))  # on time
    db.session.commit()
    assert ranking.problems_on_time(*H1, TODAY) == {east.id: (4, 2)}
    # within a period still running, a problem due tomorrow and still open does not count yet
    _problem(east, dt.date(2026, 7, 2))
    db.session.commit()
    assert ranking.problems_on_time(dt.date(2026, 7, 1), dt.date(2026, 7, 31), TODAY) == {}


def _closed_review(district, held_on, scores_by_dept):
    """A closed event: one project per department, three reviewers giving
    every criterion the department's score."""
    admin = district["admin"]
    event = reviews.create_event({"name": f"观摩{held_on}", "held_on": held_on, "kind": "季度项目观摩"}, admin)
    reviewers = [factories.user(Role.LEADER) for _n in range(3)]
    for reviewer in reviewers:
        reviews.add_reviewer(event, reviewer.id, admin)
    for dept, score in scores_by_dept:
        item = reviews.add_project(event, fp.project(department=dept).id, admin)
        for reviewer in reviewers:
            reviews.save_scores(event, item, reviewer, {c.id: score for c in event.criteria})
    reviews.close_event(event, admin)
    return event


def test_the_composite_ranks_with_every_part_beside_the_total(district):
    east, west = district["east"], district["west"]
    _closed_review(district, dt.date(2026, 5, 20), [(east, 90), (west, 70)])
    _problem(east, dt.date(2026, 3, 10), ProblemStatus.CLOSED, resolved_on=dt.date(2026, 3, 1))  # east 100 %
    _problem(west, dt.date(2026, 3, 10))  # west 0 %
    _inspection(west, dt.date(2026, 4, 1), closed_on=dt.date(2026, 3, 30))  # west 100 %, east none
    db.session.commit()
    report = ranking.ranking_report(_query(*H1))
    rows = {row.name: row for row in report.rows}
    assert report.missing == ["targets"]
    assert "本期无目标完成数据" in report.note
    # east: reviews 90 (w 30), problems 100 (w 15); rectifications none → (2700 + 1500) / 45
    assert rows["东城街道"].total_text == "93.33"
    # west: reviews 70 (30), problems 0 (15), rectifications 100 (15) → (2100 + 0 + 1500) / 60 = 60
    assert rows["西城街道"].total_text == "60.00"
    assert [(row.rank, row.name) for row in report.rows] == [(1, "东城街道"), (2, "西城街道")]
    assert rows["西城街道"].parts["problems"].detail == "按期 0 / 1"
    assert rows["东城街道"].parts["rectifications"].score is None


def test_an_open_review_event_does_not_count(district):
    east = district["east"]
    admin = district["admin"]
    event = reviews.create_event({"name": "进行中", "held_on": dt.date(2026, 5, 1), "kind": "x"}, admin)
    reviewer = factories.user(Role.LEADER)
    reviews.add_reviewer(event, reviewer.id, admin)
    item = reviews.add_project(event, fp.project(department=east).id, admin)
    reviews.save_scores(event, item, reviewer, {c.id: 80 for c in event.criteria})
    db.session.commit()
    assert ranking.ranking_report(_query(*H1)).missing == ["targets", "reviews", "problems", "rectifications"]


def test_ties_share_a_rank(district):
    east, west = district["east"], district["west"]
    south = factories.department("南城街道")
    _closed_review(district, dt.date(2026, 5, 20), [(east, 80), (west, 80), (south, 60)])
    report = ranking.ranking_report(_query(*H1))
    assert [(row.rank, row.name) for row in report.rows] == [(1, "东城街道"), (1, "西城街道"), (3, "南城街道")]


def test_the_admin_sets_the_weights(client, login_as, district):
    login_as(district["admin"])
    page = client.get("/reports/ranking/weights")
    assert page.status_code == 200
    response = client.post(
        "/reports/ranking/weights", data={"targets": "50", "reviews": "50", "problems": "0", "rectifications": "0"}
    )
    assert response.status_code == 302
    assert ranking.weights() == {"targets": 50, "reviews": 50, "problems": 0, "rectifications": 0}
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "ranking_weight")) is not None
    bad = client.post(
        "/reports/ranking/weights", data={"targets": "abc", "reviews": "150", "problems": "0", "rectifications": "0"}
    )
    assert bad.status_code == 400
    assert (
        client.post(
            "/reports/ranking/weights", data={"targets": "0", "reviews": "0", "problems": "0", "rectifications": "0"}
        ).status_code
        == 400
    )
    assert ranking.weights()["targets"] == 50


def test_a_zero_weight_leaves_the_part_out(district):
    east = district["east"]
    _closed_review(district, dt.date(2026, 5, 20), [(east, 90)])
    _problem(east, dt.date(2026, 3, 10))  # 0 %
    ranking.save_weights(
        {"targets": Decimal(40), "reviews": Decimal(30), "problems": Decimal(0), "rectifications": Decimal(15)},
        district["admin"],
    )
    db.session.commit()
    row = ranking.ranking_report(_query(*H1)).rows[0]
    assert row.total_text == "90.00"


def test_the_page_and_the_workbook(client, login_as, district):
    east, west = district["east"], district["west"]
    _closed_review(district, dt.date(2026, 5, 20), [(east, 90), (west, 70)])
    db.session.commit()
    login_as("viewer")
    page = client.get("/reports/ranking?period=custom&start=2026-01-01&end=2026-06-30")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "90.00" in text and "观摩评比" in text and "本期无" in text
    response = client.get("/reports/ranking?period=custom&start=2026-01-01&end=2026-06-30&format=xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] not in (None, "")]
    assert [(r[0], r[1], r[2]) for r in rows] == [(1, "东城街道", 90), (2, "西城街道", 70)]
    assert client.get("/reports/ranking?period=custom&start=2026-07-01&end=2026-01-01").status_code == 400
    home = client.get("/").get_data(as_text=True)
    assert "/reports/ranking" in home  # the supervisor's 龙虎榜


def test_only_the_admin_sets_weights(client, login_as, district):
    for role in ("leader", "viewer", "staff"):
        client.post("/auth/logout")
        login_as(role)
        assert client.get("/reports/ranking/weights").status_code == 403


def test_the_ranking_reads_the_same_queries_whatever_the_number_of_events(district, count_queries):
    east, west = district["east"], district["west"]
    _closed_review(district, dt.date(2026, 2, 20), [(east, 90), (west, 70)])
    db.session.commit()
    with count_queries() as one:
        ranking.ranking_report(_query(*H1))
    for month in (3, 4, 5):
        _closed_review(district, dt.date(2026, month, 20), [(east, 80), (west, 75)])
    db.session.commit()
    with count_queries() as four:
        report = ranking.ranking_report(_query(*H1))
    assert four() <= one()
    assert report.events == 4
    assert {row.name: row.parts["reviews"].text for row in report.rows} == {"东城街道": "82.50", "西城街道": "73.75"}
