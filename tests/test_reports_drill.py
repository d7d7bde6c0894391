"""Every number of every report page links to the list of records behind it,
and that list's count equals the number; staff see district totals but only
the records in their scope; bad input gets a clear message; query counts do
not grow with the data; targets are entered by admin only."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import Target, TargetMetric
from app.reports import activity, funnel, keyprojects, library, speed, targets
from app.reports.filters import parse_query
from tests import factories_reports as fr

LINK = re.compile(r'<a class="num (cnt|amt|wan)" href="([^"]+)">([^<]+)</a>')
PAGES = [
    "/reports/funnel?view=cohort&period=h1&year=2025",
    "/reports/funnel?view=flow&period=h1&year=2025",
    "/reports/library?period=h1&year=2025",
    "/reports/activity?period=h1&year=2025",
    "/reports/targets?year=2025&metric=signed_amount",
    "/reports/targets?year=2025&metric=funds_received",
    "/reports/key-projects",
    "/reports/pack?meeting=weekly&period=h1&year=2025",
]


@pytest.fixture
def district(app):
    d = fr.district()
    db.session.add(Target(year=2025, department_id=d.a.id, metric=TargetMetric.SIGNED_AMOUNT, value=Decimal("24000")))
    db.session.commit()
    return d


def _drill_numbers(client, href):
    page = client.get(html_lib.unescape(href))
    assert page.status_code == 200, href
    text = page.get_data(as_text=True)
    total = int(re.search(r'data-total="(\d+)"', text).group(1))
    visible = int(re.search(r'data-visible="(\d+)"', text).group(1))
    amount = re.search(r'data-amount="([^"]+)"', text)
    rows = text.count("<tr>") - 1  # header row
    return total, visible, amount.group(1) if amount else None, rows


@pytest.mark.parametrize("url", PAGES)
def test_every_number_links_to_a_list_of_the_same_size(district, client, login_as, url):
    login_as(district.admin)
    page = client.get(url)
    assert page.status_code == 200
    links = LINK.findall(page.get_data(as_text=True))
    assert links, "the page shows numbers with drill-downs"
    seen = {}
    for kind, href, text in links:
        if href not in seen:
            seen[href] = _drill_numbers(client, href)
        total, visible, amount, _rows = seen[href]
        assert visible == total  # admin sees everything
        if kind == "cnt":
            assert int(text) == total, (href, text, total)
        elif kind == "amt":
            assert amount == text.strip(), (href, text, amount)
        else:  # 万元 figure: the list is never empty
            assert total > 0


def test_staff_see_district_totals_but_drill_only_into_their_records(district, client, login_as):
    login_as(district.staff_a)
    page = client.get("/reports/funnel?view=cohort&period=h1&year=2025").get_data(as_text=True)
    href = next(h for kind, h, text in LINK.findall(page) if kind == "cnt" and text == "6")  # the district's 6 leads
    total, visible, amount, _rows = _drill_numbers(client, href)
    assert (total, visible) == (6, 3)  # L1, L2, L5 belong to 东城街道
    text = client.get(html_lib.unescape(href)).get_data(as_text=True)
    assert "您可查看其中 3 条" in text
    assert "L3" not in text and "L1" in text
    assert amount is None  # no sum over records the viewer cannot see


def test_drill_down_refuses_mismatched_or_unknown_measures(district, client, login_as):
    login_as(district.admin)
    for url in (
        "/reports/drill/projects?m=funnel.cohort.leads&period=h1&year=2025",
        "/reports/drill/leads?m=nope&period=h1&year=2025",
        "/reports/drill/leads?m=funnel.cohort.leads&g_department=1%20OR%201=1",
        "/reports/drill/leads?m=funnel.cohort.leads&g_kind=1",
        "/reports/drill/secrets?m=funnel.cohort.leads",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "alert" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2025-06-01&end=2025-05-01", "早于开始日期"),
        ("year=0", "年份"),
        ("year=99999", "年份"),
        ("period=custom&start=2025-13-01&end=2025-12-31", "不是有效日期"),
        ("period=custom&start=2025-01-01", "同时填写"),
        ("department_id=424242", "所选部门不存在"),
        ("department_id=1;DROP%20TABLE%20lead", "取值无效"),
        ("industry_id=1'%20OR%20'1'='1", "取值无效"),
        ("tier_id=99999", "所选企业类型不存在"),
        ("leader_id=1", "分包领导"),
        ("view=everything", "取值无效"),
        ("period=decade", "统计期间"),
    ],
)
def test_bad_input_gets_a_clear_message_not_a_500(district, client, login_as, query, message):
    login_as(district.admin)
    response = client.get(f"/reports/funnel?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/reports/targets?year=0",
        "/reports/speed?by=x",
        "/reports/pack?meeting=x",
        "/reports/activity?year=99999",
        "/reports/library?department_id=abc",
    ],
)
def test_bad_input_on_every_report(district, client, login_as, path):
    login_as(district.staff_a)
    assert client.get(path).status_code == 400


def test_query_count_does_not_grow_with_data(app, count_queries):
    fr.district()
    args = {"period": "h1", "year": "2025"}

    def run():
        with count_queries() as n:
            funnel.funnel_report(parse_query(args, clock.today(), options={"view": "flow"}))
            library.library_report(parse_query(args, clock.today()))
            activity.activity_report(parse_query(args, clock.today()))
            targets.targets_report(parse_query({"period": "year", "year": "2025"}, clock.today()))
            speed.speed_report(parse_query(args, clock.today(), options={"by": "industry"}))
            keyprojects.key_projects_report(parse_query(args, clock.today()))
        return n()

    before = run()
    extra = fr.district(suffix="二")  # twice the records, new departments
    for i in range(5):
        fr.lead(f"X{i}", extra.a, dt.date(2025, 3, 1), contacted=dt.date(2025, 3, 2))
    db.session.commit()
    assert run() == before


def test_only_admin_enters_targets_and_bad_values_are_refused(district, client, login_as):
    login_as(district.staff_a)
    assert client.get("/reports/targets/edit").status_code == 403
    client.post("/auth/logout")
    login_as(district.admin)
    page = client.get("/reports/targets/edit?year=2025")
    assert page.status_code == 200 and "东城街道" in page.get_data(as_text=True)
    a = district.a.id
    bad = client.post(
        "/reports/targets/edit",
        data={"year": "2025", f"t_{a}_signed_projects": "2.5", f"t_{a}_visits": "12", "t_district_visits": "abc"},
    )
    assert bad.status_code == 400
    assert "须为整数" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Target.id))) == 1  # nothing half-saved
    ok = client.post(
        "/reports/targets/edit",
        data={"year": "2025", f"t_{a}_visits": "12", "t_district_visits": "40", f"t_{a}_signed_amount": ""},
    )
    assert ok.status_code == 302
    values = {(t.department_id, t.metric): t.value for t in db.session.scalars(sa.select(Target))}
    assert values == {(a, TargetMetric.VISITS): Decimal("12"), (None, TargetMetric.VISITS): Decimal("40")}
    assert client.post("/reports/targets/edit", data={"year": "2025"}, csrf=False).status_code in (200, 400)


def test_admin_nav_links_to_target_entry(district, client, login_as):
    login_as(district.admin)
    assert "/reports/targets/edit" in client.get("/admin/users").get_data(as_text=True)


def test_reports_menu_lists_the_reports(district, client, login_as):
    login_as(district.staff_b)
    text = client.get("/reports/").get_data(as_text=True)
    for name in ("招商漏斗", "项目库统计", "招商活动统计", "目标考核", "周期分析", "调度会材料"):
        assert name in text


def test_filter_form_shows_the_defaults_the_report_used(district, client, login_as):
    login_as(district.leader)
    text = client.get("/reports/targets?year=2025").get_data(as_text=True)
    assert '<option value="signed_amount" selected>' in text
    text = client.get("/reports/activity").get_data(as_text=True)
    assert '<option value="month" selected>' in text


def test_chart_reads_the_same_numbers_as_the_table(district, client, login_as):
    import json

    login_as(district.leader)
    text = client.get("/reports/funnel?view=cohort&period=h1&year=2025").get_data(as_text=True)
    raw = re.search(r"data-chart=\"funnel\" data-chart-data='([^']*)'", text).group(1)
    data = json.loads(html_lib.unescape(raw))
    assert data["counts"] == [6, 5, 3, 2, 1, 0]
    assert data["steps"][0] == "线索"
