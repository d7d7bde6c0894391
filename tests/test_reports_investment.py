"""投资完成情况 on a small list with known numbers: the totals are the sums of
the groups under every grouping and equal the drill-down lists; year to date
counts January through the chosen month of that year only; 开工 and 投产 by
their dates within the period; each viewer sees the projects they may see;
bad year/month/grouping answers a clear message (page 400, API 422 naming the
parameter); the API gives the page's numbers; the chart's lines; the meeting
pack carries the report; the query count does not grow with the data.

The list (today 2026-07-10, June's report due):

  project dept leader level  kind  2026 plan   reports (万元)                      construction / production
  P1      A    L1     city   产业   12000       2025-12 800 (2025 list), 01 1000,     2026-03-01 / —
                                                05 2000, 06 3000, 07 500
  P2      A    L2     prov.  城建    6000 phased 06 1500                              2025-11-01 / 2026-06-30
                                    500 a month
  P3      B    L1     —      —       2400       —                                   2026-07-01 / —
  P6      B    —      —      —       3600       02 600                              2026-01-05 / 2026-02-15
  P4      B    on the 2025 list only; P5 A, on the 2026 list but archived.
  staff_a (A) is on P6's team: sees P1, P2, P6; staff_b (B) sees P3, P6.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import DataScope, Project, ProjectLevel, RefKind, Stage, User
from app.reports import investment
from app.reports.render import yi_number
from tests import factories
from tests import factories_delivery as fd
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = dt.date(2026, 7, 10)
D = dt.date
LINK = re.compile(r'<a class="num (cnt|amt|wan)" href="([^"]+)">([^<]+)</a>')


@dataclass
class World:
    a: object
    b: object
    admin: User
    leader1: User
    leader2: User
    staff_a: User
    staff_b: User
    projects: dict[str, Project]


def project(**fields) -> Project:
    fields.setdefault("created_on", D(2025, 1, 1))
    return fp.project(**fields)


@pytest.fixture
def world(app, set_today) -> World:
    set_today(TODAY)
    a, b = factories.department("东城街道"), factories.department("西城街道")
    admin = factories.user("admin")
    leader1 = factories.user("leader", name="王建国", title="常务副区长")
    leader2 = factories.user("leader", name="李红", title="副区长")
    staff_a = factories.user("staff", department=a, name="张三")
    staff_b = factories.user("staff", department=b, name="王五")
    industrial, urban = ref_id(RefKind.PROJECT_KIND, "产业项目"), ref_id(RefKind.PROJECT_KIND, "城建项目")
    P = {}  # noqa: N806
    P["P1"] = project(
        name="P1",
        department=a,
        leader=leader1,
        level=ProjectLevel.CITY,
        kind_id=industrial,
        stage=Stage.CONSTRUCTION,
        construction_on=D(2026, 3, 1),
    )
    P["P2"] = project(
        name="P2",
        department=a,
        leader=leader2,
        level=ProjectLevel.PROVINCE,
        kind_id=urban,
        stage=Stage.PRODUCTION,
        construction_on=D(2025, 11, 1),
        production_on=D(2026, 6, 30),
    )
    P["P3"] = project(name="P3", department=b, leader=leader1, stage=Stage.CONSTRUCTION, construction_on=D(2026, 7, 1))
    P["P4"] = project(name="P4", department=b)
    P["P5"] = project(name="P5", department=a)
    P["P6"] = project(
        name="P6",
        department=b,
        team=[staff_a],
        stage=Stage.PRODUCTION,
        construction_on=D(2026, 1, 5),
        production_on=D(2026, 2, 15),
    )
    fd.plan(P["P1"], admin, year=2025, planned=5000)
    fd.plan(P["P4"], admin, year=2025, planned=9000)
    fd.plan(P["P1"], admin, year=2026, planned=12000)
    fd.plan(P["P2"], admin, year=2026, planned=6000, phasing=[500] * 12)
    fd.plan(P["P3"], admin, year=2026, planned=2400)
    fd.plan(P["P5"], admin, year=2026, planned=7000)
    fd.plan(P["P6"], admin, year=2026, planned=3600)
    for name, month, amount in (
        ("P1", D(2025, 12, 1), 800),
        ("P1", D(2026, 1, 1), 1000),
        ("P1", D(2026, 5, 1), 2000),
        ("P1", D(2026, 6, 1), 3000),
        ("P1", D(2026, 7, 1), 500),
        ("P2", D(2026, 6, 1), 1500),
        ("P4", D(2025, 6, 1), 4000),
        ("P5", D(2026, 6, 1), 900),
        ("P6", D(2026, 2, 1), 600),
    ):
        fd.report(P[name], admin, month=month, completed=amount)
    P["P5"].archived_at = dt.datetime(2026, 7, 1, 9)
    db.session.commit()
    return World(a, b, admin, leader1, leader2, staff_a, staff_b, P)


def report(viewer, **args):
    q = investment.parse_investment_query({k: str(v) for k, v in args.items()}, clock.today(), viewer)
    return investment.investment_report(q)


def figures(row):
    return (
        row.projects.count,
        row.projects.amount,
        row.month.count,
        row.month.amount,
        row.ytd.amount,
        row.rate,
        row.started.count,
        row.producing.count,
    )


def by_name(summary):
    return {row.name: figures(row) for row in summary.rows}


# --- the numbers ------------------------------------------------------------------------


def test_known_totals_through_the_due_month(world):
    summary = report(world.admin)
    assert (summary.year, summary.month) == (2026, 6)  # June is due on 07-10
    assert figures(summary.total) == (4, 24000, 2, 4500, 8100, Decimal("33.8"), 2, 2)
    assert (summary.total.started_rate, summary.total.producing_rate) == (Decimal("50.0"), Decimal("50.0"))
    assert by_name(summary) == {
        "东城街道": (2, 18000, 2, 4500, 7500, Decimal("41.7"), 1, 1),
        "西城街道": (2, 6000, 0, 0, 600, Decimal("10.0"), 1, 1),
    }


def test_groups_by_level_kind_leader_and_industry(world):
    level = by_name(report(world.admin, by="level"))
    assert list(level) == ["省重点", "市重点", "未定级"]
    assert level["未定级"][:2] == (2, 6000)  # P3, P6
    kind = by_name(report(world.admin, by="kind"))
    assert list(kind) == ["产业项目", "城建项目", "未指定"]
    leader = by_name(report(world.admin, by="leader"))
    assert leader["王建国（常务副区长）"] == (2, 14400, 1, 3000, 6000, Decimal("41.7"), 1, 0)
    assert leader["未指定"][:2] == (1, 3600)
    industry = report(world.admin, by="industry")
    assert [r.name for r in industry.rows] == ["未指定"] and industry.rows[0].projects.count == 4


@pytest.mark.parametrize("by", list(investment.DIMENSIONS))
def test_the_total_row_is_the_sum_of_the_groups(world, by):
    summary = report(world.admin, by=by)
    assert summary.rows
    for index, total in enumerate(summary.total.cells):
        assert total.count == sum(row.cells[index].count for row in summary.rows), (by, total.measure)
        if total.amount is not None:
            assert total.amount == sum(row.cells[index].amount for row in summary.rows)
    assert summary.total.projects.count == 4


def test_year_to_date_excludes_later_months_and_other_years(world):
    leader1 = world.leader1.id
    june = report(world.admin, leader_id=leader1)  # P1 and P3
    assert june.total.ytd.amount == 6000  # 1000 + 2000 + 3000: not July's 500 nor 2025-12's 800
    may = report(world.admin, leader_id=leader1, month=5)
    assert (may.total.ytd.amount, may.total.month.amount, may.total.month.count) == (3000, 2000, 1)
    july = report(world.admin, leader_id=leader1, month=7)  # the month in progress may be chosen
    assert july.total.ytd.amount == 6500
    last_year = report(world.admin, year=2025)  # a past year: through December, its own list
    assert (last_year.month, last_year.total.projects.count, last_year.total.ytd.amount) == (12, 2, 4800)


def test_started_and_producing_count_dates_within_the_period(world):
    assert (report(world.admin).total.started.count, report(world.admin).total.producing.count) == (2, 2)
    may = report(world.admin, month=5)  # P2's production on 06-30 is after May
    assert (may.total.started.count, may.total.producing.count) == (2, 1)
    february = report(world.admin, month=2)  # P1's start on 03-01 is after February
    assert (february.total.started.count, february.total.producing.count) == (1, 1)


def test_filters_level_kind_and_department(world):
    assert report(world.admin, level="none").total.projects.count == 2
    assert report(world.admin, level="province").total.ytd.amount == 1500
    urban = ref_id(RefKind.PROJECT_KIND, "城建项目")
    assert report(world.admin, kind_id=urban).total.projects.amount == 6000
    assert report(world.admin, department_id=world.b.id).total.projects.count == 2


def test_default_month_follows_the_report_deadline(world, set_today):
    set_today(D(2026, 7, 3))  # June's deadline (the 5th) not yet passed
    assert report(world.admin).month == 5
    set_today(D(2027, 1, 3))
    summary = report(world.admin)
    assert (summary.year, summary.month) == (2026, 11)
    assert report(world.admin, year=2027).month == 1  # this year, before anything is due


# --- scope --------------------------------------------------------------------------------


def test_each_viewer_sees_the_projects_they_may_see(world):
    staff_a = report(world.staff_a)
    assert staff_a.total.projects.count == 3  # P1, P2 and P6 (on its team)
    assert staff_a.total.ytd.amount == 8100
    assert by_name(staff_a)["西城街道"][:2] == (1, 3600)
    assert report(world.staff_b).total.projects.count == 2  # P3, P6
    own = factories.user("staff", department=world.a, scope=DataScope.OWN)
    assert report(own).total.projects.count == 0
    narrow_leader = factories.user("leader", department=world.b, scope=DataScope.DEPARTMENT)
    assert report(narrow_leader).total.projects.count == 4  # leaders see every project
    assert report(world.leader1).total.projects.count == 4


# --- the page and its drill-downs -------------------------------------------------------


def _drill(client, href):
    page = client.get(html_lib.unescape(href))
    assert page.status_code == 200, href
    text = page.get_data(as_text=True)
    total = int(re.search(r'data-total="(\d+)"', text).group(1))
    visible = int(re.search(r'data-visible="(\d+)"', text).group(1))
    amount = re.search(r'data-amount="([^"]+)"', text)
    return total, visible, amount.group(1) if amount else None, text


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("admin", ""),
        ("admin", "?by=level&month=5"),
        ("admin", "?by=leader&level=none"),
        ("staff_a", "?by=kind"),
        ("staff_b", "?by=industry"),
    ],
)
def test_every_number_drills_to_a_list_of_the_same_size(world, client, login_as, who, query):
    login_as(getattr(world, who))
    page = client.get(f"/reports/investment{query}")
    assert page.status_code == 200
    links = LINK.findall(page.get_data(as_text=True))
    assert len(links) > 10
    seen = {}
    for kind, href, text in links:
        if href not in seen:
            seen[href] = _drill(client, href)
        total, visible, amount, _text = seen[href]
        assert visible == total, href  # the report counts only what the viewer sees
        if kind == "cnt":
            assert int(text) == total, (href, text)
        else:
            assert amount == text.strip(), (href, text, amount)


def test_a_drill_down_lists_the_projects_with_their_amounts(world, client, login_as):
    login_as(world.staff_a)
    page = client.get("/reports/investment").get_data(as_text=True)
    ytd = next(h for kind, h, text in LINK.findall(page) if "m=investment.ytd" in h and "g_department" not in h)
    total, visible, amount, text = _drill(client, ytd)
    assert (total, visible, amount) == (3, 3, "0.8")
    assert "P6" in text and "P3" not in text and "P5" not in text
    # A hand-made drill-down into another scope still lists only what the viewer may see.
    other = html_lib.unescape(ytd) + f"&g_department={world.b.id}"
    total, visible, _amount, text = _drill(client, other)
    assert (total, visible) == (1, 1) and "P6" in text


def test_chart_is_cumulative_completion_against_the_schedule(world, client, login_as):
    login_as(world.leader2)
    text = client.get("/reports/investment").get_data(as_text=True)
    raw = re.search(r"data-chart=\"line\" data-chart-data='([^']*)'", text).group(1)
    data = json.loads(html_lib.unescape(raw))
    assert data["categories"] == ["1月", "2月", "3月", "4月", "5月", "6月"]
    completed, schedule = data["series"]
    # Completed per month 1000, 600, 0, 0, 2000, 4500 → cumulative 万元 1000 … 8100.
    assert completed["data"] == [0.1, 0.2, 0.2, 0.2, 0.4, 0.8]
    # P2 phased 500 a month, the other 18000 at 1500 a month: 2000 a month.
    assert schedule["data"] == [0.2, 0.4, 0.6, 0.8, 1.0, 1.2]
    summary = report(world.leader2)
    assert [p.cumulative.amount for p in summary.months] == [1000, 1600, 1600, 1600, 3600, 8100]
    assert summary.months[-1].cumulative.amount == summary.total.ytd.amount
    assert [p.scheduled for p in summary.months] == [2000 * k for k in range(1, 7)]
    assert summary.months[-1].scheduled_rate == Decimal("50.0")


def test_schedule_uses_each_months_phasing(world):
    # Only P2 (phased, 500 a month) at level 省重点: the line is its cumulative.
    summary = report(world.admin, level="province", month=3)
    assert [p.scheduled for p in summary.months] == [500, 1000, 1500]
    assert [p.completed.amount for p in summary.months] == [0, 0, 0]


def test_xlsx_has_the_group_rows_the_total_and_the_months(world, client, login_as):
    login_as(world.admin)
    response = client.get("/reports/investment?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book["投资完成-按牵头部门"].iter_rows(values_only=True))
    assert "投资完成情况" in rows[0][0] and "2026-01-01 至 2026-06-30" in rows[0][0]
    assert rows[1][:4] == ("牵头部门", "项目数", "年度计划（亿元）", "本月完成（亿元）")
    assert [r[0] for r in rows[2:5]] == ["东城街道", "西城街道", "合计"]
    assert rows[4][1] == 4 and rows[4][2] == pytest.approx(2.4) and rows[4][4] == pytest.approx(0.8)
    assert rows[4][5] == pytest.approx(33.8)
    months = list(book["投资完成-分月"].iter_rows(values_only=True))
    assert [r[0] for r in months[2:]] == [f"{k}月" for k in range(1, 7)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("month=13", "月份「13」无效"),
        ("month=0", "无效"),
        ("month=六", "无效"),
        ("year=2026&month=8", "尚未到来"),
        ("year=2027", "尚未到来"),
        ("year=0", "年份"),
        ("year=99999", "年份"),
        ("by=everything", "取值无效"),
        ("level=galaxy", "项目级别"),
        ("kind_id=abc", "项目类型"),
        ("kind_id=1", "项目类型"),  # an id of another list
        ("department_id=999999", "所选部门不存在"),
    ],
)
def test_bad_input_gets_a_clear_message(world, client, login_as, query, message):
    login_as(world.admin)
    response = client.get(f"/reports/investment?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_reports_index_links_to_it(world, client, login_as):
    login_as(world.staff_b)
    assert 'href="/reports/investment"' in client.get("/reports/").get_data(as_text=True)


# --- the API ----------------------------------------------------------------------------


def _cells(html: str) -> list[list[str]]:
    """The group rows and the total row of the investment table."""
    table = html[html.index("investment-table") : html.index("</table>", html.index("investment-table"))]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    out = []
    for row in rows:
        cells = [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out.append(cells)
    return [r for r in out if len(r) == 10]


def _api_row(name: str, x: dict) -> list[str]:
    def pct(v):
        return "—" if v is None else f"{v}%"

    def yi(v):
        return str(yi_number(Decimal(v)))

    return [
        name,
        str(x["projects"]),
        yi(x["annual_plan"]),
        yi(x["month_completed"]),
        yi(x["completed"]),
        pct(x["rate"]),
        str(x["started"]),
        pct(x["started_rate"]),
        str(x["producing"]),
        pct(x["producing_rate"]),
    ]


@pytest.mark.parametrize(
    ("who", "query"),
    [("admin", "by=department"), ("staff_a", "by=level&month=5"), ("leader1", "by=leader&year=2025")],
)
def test_api_gives_the_pages_numbers(world, client, login_as, who, query):
    user = getattr(world, who)
    response = client.get(f"/api/v1/reports/investment?{query}", headers=bearer(user))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    api = [_api_row(g["name"], g) for g in body["groups"]] + [_api_row("合计", body["total"])]
    login_as(user)
    page = client.get(f"/reports/investment?{query}").get_data(as_text=True)
    assert api == _cells(page)
    assert body["total"]["projects"] == sum(g["projects"] for g in body["groups"])


def test_api_known_figures_and_formats(world, client):
    body = client.get("/api/v1/reports/investment", headers=bearer(world.admin)).get_json()
    assert (body["year"], body["month"], body["by"]) == (2026, 6, "department")
    assert body["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert body["total"] == {
        "projects": 4,
        "annual_plan": "24000.0000",
        "month_completed": "4500.0000",
        "completed": "8100.0000",
        "rate": "33.8",
        "started": 2,
        "started_rate": "50.0",
        "producing": 2,
        "producing_rate": "50.0",
    }
    assert [g["key"] for g in body["groups"]] == [str(world.a.id), str(world.b.id)]
    levels = client.get("/api/v1/reports/investment?by=level", headers=bearer(world.admin)).get_json()
    assert [g["key"] for g in levels["groups"]] == ["province", "city", "none"]
    by_name = client.get("/api/v1/reports/investment?kind=城建项目", headers=bearer(world.admin)).get_json()
    assert by_name["total"]["projects"] == 1
    scoped = client.get("/api/v1/reports/investment", headers=bearer(world.staff_b)).get_json()
    assert scoped["total"]["projects"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("month=13", "month"),
        ("month=0", "month"),
        ("year=2026&month=8", "month"),
        ("year=2027", "year"),
        ("year=1999", "year"),
        ("year=2101", "year"),
        ("by=everything", "by"),
        ("level=galaxy", "level"),
        ("department_id=999999", "department_id"),
        ("kind=不存在的类型", "kind"),
        ("industry=0x1", "industry"),
        ("period=h1", "period"),  # not a parameter of this report
    ],
)
def test_api_bad_parameters_are_422_naming_the_parameter(world, client, query, field):
    response = client.get(f"/api/v1/reports/investment?{query}", headers=bearer(world.admin))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["message"]
    if field is not None:
        assert field in error["fields"], error
    db.session.rollback()


def test_api_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/reports/investment"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"year", "month", "by", "level", "department_id"}
    assert {"200", "401", "422"} <= set(op["responses"])


# --- the meeting pack ------------------------------------------------------------------


def test_meeting_pack_includes_the_investment_report(world, client, login_as):
    login_as(world.staff_a)
    page = client.get("/reports/pack?meeting=monthly").get_data(as_text=True)
    assert "五、投资完成情况（2026 年截至 6 月，按牵头部门）" in page
    section = page[page.index("五、投资完成情况") :]
    assert _cells(section)[-1] == ["合计", "3", "2.2", "0.5", "0.8", "37.5%", "2", "66.7%", "2", "66.7%"]
    book = load_workbook(io.BytesIO(client.get("/reports/pack?meeting=monthly&format=xlsx").data))
    rows = list(book["投资完成-按牵头部门"].iter_rows(values_only=True))
    assert rows[-1][:2] == ("合计", 3)
    past = client.get("/reports/pack?meeting=weekly&period=year&year=2025").get_data(as_text=True)
    assert "五、投资完成情况（2025 年截至 12 月，按牵头部门）" in past


# --- queries ------------------------------------------------------------------------------


def test_query_count_is_constant(world, count_queries):
    def run() -> int:
        q = investment.parse_investment_query({"by": "department"}, clock.today(), world.staff_a)
        db.session.refresh(world.staff_a)  # a request has its user loaded already
        with count_queries() as n:
            investment.investment_report(q)
        return n()

    before = run()
    # names, the grouped measures, the months, the schedule
    assert before == 4
    admin = world.admin
    for i in range(12):
        dept = factories.department(f"新部门{i}")
        new = project(name=f"X{i}", department=dept, team=[world.staff_a], construction_on=D(2026, 2, 1))
        fd.plan(new, admin, year=2026, planned=12 * (100 + i), phasing=[100 + i] * 12 if i % 2 else None)
        for month in range(1, 8):
            fd.report(new, admin, month=D(2026, month, 1), completed=10 * month)
    db.session.commit()
    assert run() == before
    assert report(world.staff_a).total.projects.count == 15
