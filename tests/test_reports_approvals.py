"""联审联批完成情况 on a small ledger with known numbers (today 2026-07-10):
per approving department and per item type, totals = the sum of the groups =
the drill-down counts; the period's boundaries (items due or 办结 in it;
overdue judged at the period's end or today, whichever is earlier); the
average days from 申报 to 办结; each viewer's scope; bad parameters (page
400, API 422 naming the parameter); the meeting pack; the API = the page; a
constant number of queries.

  item project approving type       due         申报        办结        status
  I1   P1      FG        立项       2026-03-01  2026-02-01  2026-02-21  approved (20 days)
  I2   P1      FG        节能审查   2026-05-01  2026-04-01  —           submitted (overdue)
  I3   P1      ZR        用地预审   2025-11-01  2025-10-01  2026-01-11  approved (102 days)
  I4   P2      ZR        施工许可   2025-12-01  —           —           pending (overdue, carried over)
  I5   P2      FG        施工许可   2026-09-01  —           —           pending
  I6   P3      ZR        环评批复   2026-06-01  (none)      2026-06-10  approved, no 申报日期
  I7   P3      FG        其他       2026-04-01  —           —           无需办理: left out
  I8   P4 (archived project) FG     2026-04-01                          left out
  I9   P1      FG        (archived item)                                left out
  I10  P3      ZR        施工图审查 2026-07-10  —           —           pending, due today: not overdue
  I11  P3      FG        消防设计   2026-07-09  2026-07-01  2026-07-10  approved (9 days)
  I12  P2      ZR        规划许可   2026-06-15  2026-06-01  2026-07-05  approved (34 days)

P1 (东城街道, 市重点), P2 (东城街道, 省重点), P3 (西城街道, 未定级), P4 (西城街道, archived).
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import ApprovalItem, ProjectLevel, RefKind, User
from app.reports import approvals
from tests import factories
from tests import factories_approvals as fa
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = dt.date(2026, 7, 10)
D = dt.date
LINK = re.compile(r'<a class="num (cnt|avg)" href="([^"]+)">([^<]+)</a>')


@dataclass
class World:
    a: object
    b: object
    fg: object
    zr: object
    admin: User
    leader: User
    staff_a: User
    staff_fg: User
    items: dict[str, ApprovalItem]


@pytest.fixture
def world(app, set_today) -> World:
    set_today(TODAY)
    a, b = factories.department("东城街道"), factories.department("西城街道")
    fg, zr = factories.department("区发改局"), factories.department("区自然资源局")
    admin = factories.user("admin")
    leader = factories.user("leader", name="王建国")
    staff_a = factories.user("staff", department=a, name="张三")
    staff_fg = factories.user("staff", department=fg, name="李四")
    p1 = fp.project(name="P1", department=a, level=ProjectLevel.CITY)
    p2 = fp.project(name="P2", department=a, level=ProjectLevel.PROVINCE)
    p3 = fp.project(name="P3", department=b)
    p4 = fp.project(name="P4", department=b)

    def item(project, dept, kind, due, submitted=None, approved=None):
        return fa.item(project, admin, dept, kind=kind, due_on=due, submitted_on=submitted, approved_on=approved)

    items = {
        "I1": item(p1, fg, "立项（备案/核准）", D(2026, 3, 1), D(2026, 2, 1), D(2026, 2, 21)),
        "I2": item(p1, fg, "节能审查", D(2026, 5, 1), D(2026, 4, 1)),
        "I3": item(p1, zr, "用地预审与选址", D(2025, 11, 1), D(2025, 10, 1), D(2026, 1, 11)),
        "I4": item(p2, zr, "施工许可", D(2025, 12, 1)),
        "I5": item(p2, fg, "施工许可", D(2026, 9, 1)),
        "I6": item(p3, zr, "环评批复", D(2026, 6, 1), None, D(2026, 6, 10)),
        "I7": item(p3, fg, "其他", D(2026, 4, 1)),
        "I8": item(p4, fg, "其他", D(2026, 4, 1)),
        "I9": item(p1, fg, "其他", D(2026, 4, 1)),
        "I10": item(p3, zr, "施工图审查", D(2026, 7, 10)),
        "I11": item(p3, fg, "消防设计审查", D(2026, 7, 9), D(2026, 7, 1), D(2026, 7, 10)),
        "I12": item(p2, zr, "建设用地规划许可", D(2026, 6, 15), D(2026, 6, 1), D(2026, 7, 5)),
    }
    from app.approvals import services

    services.not_needed(items["I7"], "已并入其他审批", admin)
    items["I6"].submitted_on = None  # an old ledger row: 办结 without 申报日期
    items["I9"].archived_at = dt.datetime(2026, 7, 1, 9)
    p4.archived_at = dt.datetime(2026, 7, 1, 9)
    db.session.commit()
    return World(a, b, fg, zr, admin, leader, staff_a, staff_fg, items)


def report(viewer, **args):
    q = approvals.parse_approvals_query({k: str(v) for k, v in args.items()}, clock.today(), viewer)
    return approvals.approvals_report(q)


def figures(row):
    return (row.items.count, row.approved.count, row.rate, row.overdue.count, row.average_days)


def by_name(summary):
    return {row.name: figures(row) for row in summary.rows}


# --- the numbers ------------------------------------------------------------------------


def test_known_numbers_by_approving_department(world):
    summary = report(world.admin)
    assert (summary.query.period.start, summary.query.period.end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert summary.cutoff == TODAY
    # 8 items; 5 approved; I2 and I4 overdue; (20 + 102 + 9 + 34) / 4 = 41.25 days.
    assert figures(summary.total) == (8, 5, Decimal("62.5"), 2, Decimal("41.3"))
    assert by_name(summary) == {
        "区发改局": (4, 2, Decimal("50.0"), 1, Decimal("14.5")),
        "区自然资源局": (4, 3, Decimal("75.0"), 1, Decimal("68.0")),
    }


def test_known_numbers_by_item_type(world):
    summary = report(world.admin, by="type")
    assert by_name(summary) == {
        "立项（备案/核准）": (1, 1, Decimal("100.0"), 0, Decimal("20.0")),
        "用地预审与选址": (1, 1, Decimal("100.0"), 0, Decimal("102.0")),
        "建设用地规划许可": (1, 1, Decimal("100.0"), 0, Decimal("34.0")),
        "环评批复": (1, 1, Decimal("100.0"), 0, None),  # 办结 without 申报日期: not timed
        "节能审查": (1, 0, Decimal("0.0"), 1, None),
        "施工图审查": (1, 0, Decimal("0.0"), 0, None),  # due today: not yet overdue
        "施工许可": (1, 0, Decimal("0.0"), 1, None),  # I5 due in September; I4 carried over, overdue
        "消防设计审查": (1, 1, Decimal("100.0"), 0, Decimal("9.0")),
    }
    assert figures(summary.total) == (8, 5, Decimal("62.5"), 2, Decimal("41.3"))


@pytest.mark.parametrize("by", list(approvals.DIMENSIONS))
@pytest.mark.parametrize("period", ["", "period=h1", "year=2025", "period=custom&start=2026-06-01&end=2026-07-05"])
def test_the_total_is_the_sum_of_the_groups(world, by, period):
    args = dict(part.split("=") for part in period.split("&") if part)
    summary = report(world.admin, by=by, **args)
    for index, total in enumerate(summary.total.cells):
        assert total.count == sum(row.cells[index].count for row in summary.rows), (by, period, total.measure)
    assert summary.total.timed.amount == sum(row.timed.amount or 0 for row in summary.rows)


def test_period_boundaries_and_the_overdue_cutoff(world):
    # First half: cut-off 06-30. I12 (due 06-15) was still open then: overdue, though 办结 on 07-05.
    h1 = report(world.admin, period="h1")
    assert approvals.cutoff(h1.query) == D(2026, 6, 30)
    assert figures(h1.total) == (5, 3, Decimal("60.0"), 3, Decimal("61.0"))
    # 2025: I3 and I4 were due; I3 was 办结 only in 2026, so both were overdue on 2025-12-31.
    last_year = report(world.admin, year=2025)
    assert figures(last_year.total) == (2, 0, Decimal("0.0"), 2, None)
    # One day: I1's 办结 (due later, counted by its 办结日期); only I4 overdue then (I3 办结 in January).
    day = report(world.admin, period="custom", start="2026-02-21", end="2026-02-21")
    assert figures(day.total) == (1, 1, Decimal("100.0"), 1, Decimal("20.0"))
    # The first day after an 办结 leaves it out; a period ending on the due day is not yet overdue.
    assert report(world.admin, period="custom", start="2026-02-22", end="2026-02-28").total.items.count == 0
    may = report(world.admin, period="custom", start="2026-05-01", end="2026-05-01")
    assert (may.total.items.count, may.total.overdue.count) == (1, 1)  # I2 due that day; I4 overdue since 2025
    assert report(world.admin, period="custom", start="2026-05-02", end="2026-05-02").total.overdue.count == 2
    # A period still running: the cut-off is today (I10 due today is not overdue).
    future = report(world.admin, period="custom", start="2026-07-01", end="2026-12-31")
    assert approvals.cutoff(future.query) == TODAY and future.total.overdue.count == 2
    empty = report(world.admin, year=2024)
    assert (empty.rows, figures(empty.total)) == ([], (0, 0, None, 0, None))


def test_filters_level_and_lead_department(world):
    assert figures(report(world.admin, level="city").total)[:2] == (3, 2)  # P1: I1, I2, I3
    assert report(world.admin, level="province").total.overdue.count == 1  # P2: I4
    assert report(world.admin, level="none").total.items.count == 3  # P3: I6, I10, I11
    assert figures(report(world.admin, department_id=world.b.id).total)[:2] == (3, 2)


# --- scope --------------------------------------------------------------------------------


def test_each_viewer_counts_the_items_they_may_see(world):
    # 东城街道's staff: the items of P1 and P2.
    assert figures(report(world.staff_a).total)[:4] == (5, 3, Decimal("60.0"), 2)
    # 发改局's staff: the items addressed to their department (no project of their own).
    fg = report(world.staff_fg)
    assert [row.name for row in fg.rows] == ["区发改局"]
    assert figures(fg.total) == figures(report(world.admin).rows[0])
    assert figures(report(world.leader).total) == figures(report(world.admin).total)


# --- the page and its drill-downs -------------------------------------------------------


def _drill(client, href):
    page = client.get(html_lib.unescape(href))
    assert page.status_code == 200, href
    text = page.get_data(as_text=True)
    total = int(re.search(r'data-total="(\d+)"', text).group(1))
    visible = int(re.search(r'data-visible="(\d+)"', text).group(1))
    days = [int(d) for d in re.findall(r'<td class="text-end approval-days">(\d+)</td>', text)]
    return total, visible, days, text


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("admin", ""),
        ("admin", "?by=type&period=h1"),
        ("admin", "?level=city&year=2025"),
        ("staff_a", "?by=type"),
        ("staff_fg", ""),
    ],
)
def test_every_number_drills_to_a_list_of_the_same_size(world, client, login_as, who, query):
    login_as(getattr(world, who))
    page = client.get(f"/reports/approvals{query}")
    assert page.status_code == 200
    links = LINK.findall(page.get_data(as_text=True))
    assert len(links) >= 4
    for kind, href, text in links:
        total, visible, days, _text = _drill(client, href)
        assert visible == total, href  # the report counts only what the viewer sees
        if kind == "cnt":
            assert int(text) == total, (href, text)
        else:  # the average is taken over the listed items
            assert total == len(days)
            average = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
            assert str(average) == text.strip(), (href, text)


def test_a_drill_down_lists_the_items(world, client, login_as):
    login_as(world.admin)
    page = client.get("/reports/approvals").get_data(as_text=True)
    overdue = next(h for kind, h, text in LINK.findall(page) if "m=approvals.overdue" in h and "g_" not in h)
    total, visible, _days, text = _drill(client, overdue)
    assert (total, visible) == (2, 2)
    assert "节能审查" in text and "施工许可" in text and "P1" in text and "P2" in text
    assert "已申报" in text and "待申报" in text


def test_xlsx_has_the_groups_and_the_total(world, client, login_as):
    login_as(world.admin)
    response = client.get("/reports/approvals?by=type&period=h1&format=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data))["联审联批-按事项类型"].iter_rows(values_only=True))
    assert "联审联批完成情况" in rows[0][0] and "2026-01-01 至 2026-06-30" in rows[0][0]
    assert rows[1] == ("审批事项", "事项数", "已办结", "完成率（%）", "逾期", "平均办理天数")
    assert rows[-1] == ("合计", 5, 3, 60, 3, 61)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("by=everything", "取值无效"),
        ("period=custom&start=2026-07-01&end=2026-06-01", "早于开始日期"),
        ("period=custom&start=2026-13-01&end=2026-12-31", "不是有效日期"),
        ("period=custom&start=2026-01-01", "同时填写"),
        ("year=99999", "年份"),
        ("level=galaxy", "项目级别"),
        ("department_id=abc", "部门"),
        ("department_id=999999", "所选部门不存在"),
    ],
)
def test_bad_input_gets_a_clear_message(world, client, login_as, query, message):
    login_as(world.admin)
    response = client.get(f"/reports/approvals?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_reports_index_links_to_it(world, client, login_as):
    login_as(world.staff_a)
    assert 'href="/reports/approvals"' in client.get("/reports/").get_data(as_text=True)


# --- the meeting pack ------------------------------------------------------------------


def _cells(html: str) -> list[list[str]]:
    """The group rows and the total row of the approvals table."""
    start = html.index("approvals-table")
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    out = [[re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]
    return [r for r in out if len(r) == 6 and r[1] != "事项数"]


def test_meeting_pack_includes_the_approvals_by_department(world, client, login_as):
    login_as(world.staff_a)
    page = client.get("/reports/pack?meeting=weekly&period=year").get_data(as_text=True)
    assert "六、联审联批完成情况（按审批部门）" in page
    section = page[page.index("六、联审联批完成情况") :]
    assert _cells(section) == [
        ["区发改局", "3", "1", "33.3%", "1", "20.0"],
        ["区自然资源局", "2", "2", "100.0%", "1", "68.0"],
        ["合计", "5", "3", "60.0%", "2", "52.0"],
    ]
    book = load_workbook(io.BytesIO(client.get("/reports/pack?meeting=weekly&period=year&format=xlsx").data))
    rows = list(book["联审联批-按审批部门"].iter_rows(values_only=True))
    assert rows[-1][:5] == ("合计", 5, 3, 60, 2)


# --- the API ----------------------------------------------------------------------------


def _api_row(name: str, x: dict) -> list[str]:
    pct = "—" if x["rate"] is None else f"{x['rate']}%"
    days = "—" if x["average_days"] is None else x["average_days"]
    return [name, str(x["items"]), str(x["approved"]), pct, str(x["overdue"]), days]


@pytest.mark.parametrize(
    ("who", "api", "page"),
    [
        ("admin", "", ""),
        ("admin", "start=2026-01-01&end=2026-06-30&by=type", "period=custom&start=2026-01-01&end=2026-06-30&by=type"),
        ("staff_a", "level=city", "level=city"),
        ("staff_fg", "start=2025-01-01&end=2025-12-31", "period=custom&start=2025-01-01&end=2025-12-31"),
    ],
)
def test_api_gives_the_pages_numbers(world, client, login_as, who, api, page):
    user = getattr(world, who)
    response = client.get(f"/api/v1/reports/approvals?{api}", headers=bearer(user))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    rows = [_api_row(g["name"], g) for g in body["groups"]] + [_api_row("合计", body["total"])]
    login_as(user)
    assert rows == _cells(client.get(f"/reports/approvals?{page}").get_data(as_text=True))
    assert body["total"]["items"] == sum(g["items"] for g in body["groups"])


def test_api_known_figures(world, client):
    body = client.get(
        f"/api/v1/reports/approvals?start=2026-01-01&end=2026-06-30&department_id={world.a.id}",
        headers=bearer(world.admin),
    ).get_json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    # P1 and P2: I1, I2, I3, I12 in the first half; I2, I4 and I12 overdue on 06-30.
    assert body["total"] == {"items": 4, "approved": 2, "rate": "50.0", "overdue": 3, "average_days": "61.0"}
    assert [(g["key"], g["name"]) for g in body["groups"]] == [
        (str(world.fg.id), "区发改局"),
        (str(world.zr.id), "区自然资源局"),
    ]
    year = client.get("/api/v1/reports/approvals", headers=bearer(world.admin)).get_json()
    assert (year["by"], year["period"]) == ("department", {"start": "2026-01-01", "end": "2026-12-31"})
    assert year["total"]["items"] == 8


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-13-01&end=2026-12-31", "start"),
        ("start=2026-01-01&end=tomorrow", "end"),
        ("start=2026-07-01&end=2026-06-30", "end"),
        ("start=2026-07-01", "end"),
        ("end=2026-07-01", "start"),
        ("start=1999-01-01&end=2026-01-01", "start"),
        ("department_id=0", "department_id"),
        ("department_id=999999", "department_id"),
        ("by=everything", "by"),
        ("level=galaxy", "level"),
        ("industry=1", "industry"),  # not a parameter of this report
    ],
)
def test_api_bad_parameters_are_422_naming_the_parameter(world, client, query, field):
    response = client.get(f"/api/v1/reports/approvals?{query}", headers=bearer(world.admin))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["message"] and field in error["fields"], error
    db.session.rollback()


def test_api_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/reports/approvals"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"start", "end", "department_id", "level", "by"}
    assert {"200", "401", "422"} <= set(op["responses"])


# --- queries ------------------------------------------------------------------------------


def test_query_count_is_constant(world, count_queries):
    def run(by: str) -> int:
        q = approvals.parse_approvals_query({"by": by}, clock.today(), world.staff_a)
        db.session.refresh(world.staff_a)  # a request has its user loaded already
        with count_queries() as n:
            approvals.approvals_report(q)
        return n()

    before = {by: run(by) for by in approvals.DIMENSIONS}
    assert before == {"department": 2, "type": 2}  # the group names, the measures in one GROUP BY
    kinds = ["立项（备案/核准）", "节能审查", "施工许可", "环评批复"]
    for i in range(12):
        dept = factories.department(f"审批部门{i}")
        project = fp.project(name=f"X{i}", department=world.a)
        for k in range(3):
            fa.item(
                project,
                world.admin,
                dept,
                kind=kinds[(i + k) % 4],
                due_on=D(2026, 1 + k, 1 + i),
                submitted_on=D(2026, 1, 1),
                approved_on=D(2026, 6, 1) if k else None,
            )
    db.session.commit()
    assert {by: run(by) for by in approvals.DIMENSIONS} == before
    assert report(world.staff_a).total.items.count == 5 + 36
    assert ref_id(RefKind.APPROVAL_TYPE, "施工许可")
