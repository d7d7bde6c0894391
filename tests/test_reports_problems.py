"""问题解决情况: problems raised, solved (销号), solved on time and average
days in a period, by category, department and month — project problems and
企业诉求 alike; the 合计 equals the sum of the groups, and every number opens
the ledger rows behind it, as many as the number; the .xlsx and
`GET /api/v1/reports/problems` give the same numbers."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from app.db import db
from app.lookups import ref_id
from app.models import RefKind, Stage
from app.problems import company_problems, services
from app.reports.problems import MEASURES, build
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp
from tests.factories_api import bearer

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


@pytest.fixture
def world(set_today):
    set_today(dt.date(2026, 1, 5))
    east, bureau = factories.department("东城街道"), factories.department("区人社局")
    admin = factories.user("admin")
    staff = factories.user("staff", department=east)
    clerk = factories.user("staff", department=bureau)
    company = fl.company("恒达精密机械有限公司")
    project = fp.project(name="智能装备产业园", department=east, stage=Stage.ATTRACTING)

    def solve(problem, deadline, closed_on):
        services.assign_problem(problem, bureau.id, deadline, admin, version=problem.version)
        set_today(closed_on)
        services.answer_problem(problem, "已解决", clerk, version=problem.version)
        services.accept_problem(problem, admin, version=problem.version)
        set_today(dt.date(2026, 1, 5))

    need = ref_id(RefKind.COMPANY_NEED, "用工")
    land = ref_id(RefKind.PROBLEM_CATEGORY, "土地")
    on_time = company_problems.raise_company_problem(company, need, "招工难", staff, raised_on=dt.date(2026, 1, 2))
    late = company_problems.raise_company_problem(company, need, "技工难", staff, raised_on=dt.date(2026, 1, 3))
    project_problem = services.raise_problem(project, land, "用地指标", staff, raised_on=dt.date(2026, 1, 4))
    company_problems.raise_company_problem(company, need, "尚未交办", staff, raised_on=dt.date(2026, 1, 5))
    company_problems.raise_company_problem(company, need, "去年的诉求", staff, raised_on=dt.date(2025, 12, 1))
    solve(on_time, dt.date(2026, 1, 20), dt.date(2026, 1, 12))  # 10 days, on time
    solve(late, dt.date(2026, 1, 10), dt.date(2026, 2, 2))  # 30 days, late
    solve(project_problem, dt.date(2026, 3, 1), dt.date(2026, 2, 3))  # 30 days, on time
    set_today(dt.date(2026, 7, 1))
    db.session.commit()
    return {"admin": admin, "staff": staff, "east": east, "bureau": bureau}


@pytest.mark.parametrize("by", ["category", "department", "month"])
def test_totals_equal_the_groups(world, by):
    report = build(world["admin"], START, END, by)
    assert report.total.counts == {"raised": 4, "solved": 3, "solved_on_time": 2}
    assert report.total.average_days == round(70 / 3, 1)
    for measure in MEASURES:
        assert sum(g.counts[measure] for g in report.groups) == report.total.counts[measure]


def test_by_department_and_category(world):
    by_department = {g.name: g.counts for g in build(world["admin"], START, END, "department").groups}
    assert by_department == {
        "区人社局": {"raised": 3, "solved": 3, "solved_on_time": 2},
        "未交办": {"raised": 1, "solved": 0, "solved_on_time": 0},
    }
    by_category = {g.name: g.counts["raised"] for g in build(world["admin"], START, END, "category").groups}
    assert by_category == {"用工": 3, "土地": 1}
    by_month = {g.name: g.counts for g in build(world["admin"], START, END, "month").groups}
    assert by_month["2026-02"] == {"raised": 0, "solved": 2, "solved_on_time": 1}


@pytest.mark.parametrize("by", ["category", "department", "month"])
def test_every_number_opens_as_many_ledger_rows(client, login_as, world, by):
    login_as(world["admin"])
    html = client.get(f"/reports/problems?start={START}&end={END}&by={by}").get_data(as_text=True)
    links = re.findall(r'<a href="(/problems/\?[^"]+)">(\d+)</a>', html)
    assert len(links) >= 5
    for link, number in links:
        listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert len(set(re.findall(r'href="/problems/(\d+)"', listed))) == int(number), link


def test_export_and_api_agree(client, login_as, world):
    login_as(world["admin"])
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/problems?start={START}&end={END}&format=xlsx").data)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert rows["合计"][:3] == (4, 3, 2)
    api = client.get(f"/api/v1/reports/problems?start={START}&end={END}", headers=bearer(world["admin"])).get_json()
    assert api["total"]["raised"] == 4 and api["total"]["solved"] == 3 and api["total"]["solved_on_time"] == 2
    assert sum(g["raised"] for g in api["groups"]) == 4
    bad = client.get(f"/api/v1/reports/problems?start={END}&end={START}", headers=bearer(world["admin"]))
    assert bad.status_code == 422


def test_the_scope_of_a_department(world):
    # The raising department sees the problems it raised; another department sees none.
    assert build(world["staff"], START, END).total.counts["raised"] == 4
    outsider = factories.user("staff", department=factories.department("西城街道"))
    assert build(outsider, START, END).total.counts["raised"] == 0


def test_the_meeting_pack_has_the_section_with_the_same_numbers(client, login_as, world):
    login_as(world["admin"])
    query = f"meeting=monthly&period=custom&start={START}&end={END}"
    page = client.get(f"/reports/pack?{query}").get_data(as_text=True)
    assert "八、问题解决情况" in page and "期间上报问题 4 个，销号 3 个，其中按期销号 2 个。" in page
    book = load_workbook(io.BytesIO(client.get(f"/reports/pack?{query}&format=xlsx").data))
    assert "问题解决情况" in book.sheetnames
    rows = [row for row in book["问题解决情况"].iter_rows(values_only=True) if row[0] == "合计"]
    assert rows and rows[-1][1:4] == (4, 3, 2)
