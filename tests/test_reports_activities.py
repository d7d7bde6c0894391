"""招商活动统计 on a small world built through the services (today 2026-07-10):
totals, groups and drill-downs agree; companies are distinct; a signing is
credited once, to the activity of its lead; activities count in the period
they start in; scope, the API, the meeting pack and the 外出招商次数 target.

  activity  kind        dept  dates                  away  leaders   regions
  T1        外出招商    东城  2026-03-02 – 03-05 (4d)  yes   王, 李     上海、苏州
  T2        招商推介会  东城  2026-05-10               no    王         —
  T3        外出招商    西城  2026-06-01 – 06-03 (3d)  yes   李         深圳
  T4        外出招商    东城  2025-12-30 – 2026-01-02  yes   王         上海      (starts in 2025)
  T5        外出招商    东城  2026-04-01 – 04-02       yes   王         上海      (archived)

  T1: lead La (C1), visited twice during the trip; lead Lb (C2), converted
      and signed (50000 万元) → T1's signing
  T2: lead Le (C2)
  T3: a visit on 西城's lead Lc (C1, received before the trip, not from it);
      lead Ld (C3) moved to 洽谈; a visit on Lb's project (C2) — the project
      stays credited to T1
  T4: lead Lf (C3), converted and signed in 2026 (20000 万元)
  T5: lead Lg (C1), then the activity was archived

2026 (admin): activities 3, away 2, days 7, companies {C1, C2, C3} = 3,
visits 4, leads 4 (La, Lb, Le, Ld), discussed 2 (Lb, Ld), signed 1, 5.0 亿元.
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
from app.activities import services as activity_services
from app.db import db
from app.leads import pipeline
from app.leads import services as lead_services
from app.leads.visits import log_visit
from app.lookups import ref_id
from app.models import Activity, Company, LeadStatus, RefKind, Target, TargetMetric, User
from app.reports import activities, targets
from app.reports.filters import parse_query
from tests import factories
from tests import factories_agreements as fagr
from tests import factories_leads as fl
from tests.factories_api import bearer

TODAY = dt.date(2026, 7, 10)
D = dt.date
LINK = re.compile(r'<a class="num (cnt|amt|avg)" href="([^"]+)">([^<]+)</a>')
COLUMNS = ["activities", "away", "days", "companies", "visits", "leads", "discussed", "signed", "amount"]


@dataclass
class World:
    east: object
    west: object
    admin: User
    wang: User
    li: User
    staff_east: User
    staff_west: User
    acts: dict[str, Activity]
    companies: dict[str, Company]


def _activity(admin, title, kind, dept, start, end, away, leaders, regions=""):
    return activity_services.create_activity(
        {
            "kind_id": ref_id(RefKind.ACTIVITY_KIND, kind),
            "title": title,
            "start_on": start,
            "end_on": end,
            "away": away,
            "regions": regions,
            "department_id": dept.id,
            "leader_ids": [u.id for u in leaders],
        },
        admin,
    )


def _lead(admin, company, dept, received, activity=None, title=None):
    return lead_services.create_lead(
        {
            "title": title or f"{company.name}投资意向",
            "company_id": company.id,
            "company_name": company.name,
            "owner_department_id": dept.id,
            "received_on": received,
            "activity_id": activity.id if activity else None,
        },
        admin,
        confirm_duplicate=True,
    )


def _visit(admin, day, activity, *, lead=None, project=None):
    data = {"visited_on": day, "summary": "实地考察，介绍营商环境。", "activity_id": activity.id}
    return log_visit(data, admin, lead=lead, project=project)


def _sign(admin, lead, on, amount):
    project = pipeline.convert_lead(lead, admin, {"on": on})
    fagr.agreement(project, admin, signed_on=on, agreed_investment=Decimal(amount))
    return project


@pytest.fixture
def world(app, set_today) -> World:
    set_today(TODAY)
    east, west = factories.department("东城街道"), factories.department("西城街道")
    admin = factories.user("admin")
    wang = factories.user("leader", name="王建国")
    li = factories.user("leader", name="李强")
    staff_east = factories.user("staff", department=east, name="张三")
    staff_west = factories.user("staff", department=west, name="赵六")
    names = {"C1": "甲科技有限公司", "C2": "乙制造有限公司", "C3": "丙物流有限公司"}
    companies = {key: fl.company(name) for key, name in names.items()}
    c1, c2, c3 = companies["C1"], companies["C2"], companies["C3"]
    acts = {
        "T1": _activity(
            admin, "赴上海苏州招商", "外出招商", east, D(2026, 3, 2), D(2026, 3, 5), True, [wang, li], "上海、苏州"
        ),
        "T2": _activity(admin, "本区推介会", "招商推介会", east, D(2026, 5, 10), D(2026, 5, 10), False, [wang]),
        "T3": _activity(admin, "赴深圳招商", "外出招商", west, D(2026, 6, 1), D(2026, 6, 3), True, [li], "深圳"),
        "T4": _activity(admin, "跨年赴沪", "外出招商", east, D(2025, 12, 30), D(2026, 1, 2), True, [wang], "上海"),
        "T5": _activity(admin, "误录活动", "外出招商", east, D(2026, 4, 1), D(2026, 4, 2), True, [wang], "上海"),
    }
    t1, t2, t3, t4, t5 = (acts[k] for k in ("T1", "T2", "T3", "T4", "T5"))
    la = _lead(admin, c1, east, D(2026, 3, 3), t1)
    _visit(admin, D(2026, 3, 3), t1, lead=la)
    _visit(admin, D(2026, 3, 4), t1, lead=la)
    lb = _lead(admin, c2, east, D(2026, 3, 4), t1)
    pb = _sign(admin, lb, D(2026, 4, 20), "50000")
    _lead(admin, c2, east, D(2026, 5, 10), t2, title="推介会意向")
    lc = _lead(admin, c1, west, D(2026, 5, 20), title="西城自有线索")
    _visit(admin, D(2026, 6, 2), t3, lead=lc)
    ld = _lead(admin, c3, west, D(2026, 6, 2), t3)
    pipeline.advance(ld, LeadStatus.CONTACTED, admin, on=D(2026, 6, 2))
    pipeline.advance(ld, LeadStatus.NEGOTIATING, admin, on=D(2026, 6, 20))
    _visit(admin, D(2026, 6, 3), t3, project=pb)
    lf = _lead(admin, c3, east, D(2025, 12, 31), t4)
    _sign(admin, lf, D(2026, 2, 1), "20000")
    _lead(admin, c1, east, D(2026, 4, 1), t5)
    activity_services.archive_activity(t5, admin, version=t5.version)
    db.session.commit()
    return World(east, west, admin, wang, li, staff_east, staff_west, acts, companies)


def report(viewer, **args):
    q = activities.parse_activities_query({k: str(v) for k, v in args.items()}, clock.today(), viewer)
    return activities.activities_report(q)


def figures(row) -> tuple:
    return (
        row.activities.count,
        row.away.count,
        row.days_away,
        row.companies.count,
        row.visits.count,
        row.leads.count,
        row.discussed.count,
        row.signed.count,
        row.signed.amount,
    )


def by_name(summary) -> dict[str, tuple]:
    return {row.name: figures(row) for row in summary.rows}


# --- the numbers ------------------------------------------------------------------------


def test_known_numbers_by_leader(world):
    summary = report(world.admin)
    assert (summary.query.period.start, summary.query.period.end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert summary.dimension == "leader"
    assert figures(summary.total) == (3, 2, 7, 3, 4, 4, 2, 1, Decimal("50000"))
    # T1 has two leaders: it counts for each, once in the total.
    assert by_name(summary) == {
        "李强": (2, 2, 7, 3, 4, 3, 2, 1, Decimal("50000")),
        "王建国": (2, 1, 4, 2, 2, 3, 1, 1, Decimal("50000")),
    }
    assert sum(row.activities.count for row in summary.rows) == 4 > summary.total.activities.count


def test_known_numbers_by_department_kind_and_region(world):
    assert by_name(report(world.admin, by="department")) == {
        "东城街道": (2, 1, 4, 2, 2, 3, 1, 1, Decimal("50000")),
        "西城街道": (1, 1, 3, 3, 2, 1, 1, 0, Decimal("0")),
    }
    assert by_name(report(world.admin, by="kind")) == {
        "外出招商": (2, 2, 7, 3, 4, 3, 2, 1, Decimal("50000")),
        "招商推介会": (1, 0, 0, 1, 0, 1, 0, 0, Decimal("0")),
    }
    regions = report(world.admin, by="region")
    assert by_name(regions) == {
        "上海": (1, 1, 4, 2, 2, 2, 1, 1, Decimal("50000")),
        "苏州": (1, 1, 4, 2, 2, 2, 1, 1, Decimal("50000")),
        "深圳": (1, 1, 3, 3, 2, 1, 1, 0, Decimal("0")),
        "未指定": (1, 0, 0, 1, 0, 1, 0, 0, Decimal("0")),
    }
    assert regions.rows[-1].key == "none"


@pytest.mark.parametrize("by", ["department", "kind"])
@pytest.mark.parametrize("period", ["", "year=2025", "period=custom&start=2026-03-05&end=2026-06-01"])
def test_additive_groups_sum_to_the_total(world, by, period):
    args = dict(part.split("=") for part in period.split("&") if part)
    summary = report(world.admin, by=by, **args)
    for index, name in enumerate(COLUMNS):
        if name == "companies":  # distinct within each group and within the total
            assert summary.total.companies.count <= sum(r.companies.count for r in summary.rows)
            continue
        assert figures(summary.total)[index] == sum(figures(r)[index] for r in summary.rows), (by, period, name)


def test_distinct_companies(world):
    summary = report(world.admin, by="department")
    east = summary.rows[0]
    # T1: C1 visited twice and registered as a lead counts once; C2 (Lb); T2 meets C2 again.
    assert east.companies.count == 2
    # C1 and C2 met by both departments' activities: three companies in the total, not five.
    assert summary.total.companies.count == 3
    assert sum(r.companies.count for r in summary.rows) == 5


def test_a_signing_is_credited_once_to_the_activity_of_its_lead(world):
    # Lb's project was visited during T3 (西城): the signing stays with T1 (东城).
    rows = {r.name: r for r in report(world.admin, by="department").rows}
    assert (rows["东城街道"].signed.count, rows["西城街道"].signed.count) == (1, 0)
    assert rows["西城街道"].companies.count == 3  # …though its company counts as met in Shenzhen
    # T4's lead signed in 2026; the activity started in 2025: it counts in 2025, never in 2026.
    last_year = report(world.admin, year=2025)
    assert figures(last_year.total) == (1, 1, 4, 1, 0, 1, 1, 1, Decimal("20000"))
    assert report(world.admin).total.signed.amount == Decimal("50000")


def test_period_is_by_start_date(world):
    # T1 starts 03-02, outside; T3 starts on the period's last day, inside.
    summary = report(world.admin, period="custom", start="2026-03-05", end="2026-06-01", by="kind")
    assert figures(summary.total) == (2, 1, 3, 3, 2, 2, 1, 0, Decimal("0"))
    # T4 ran into January but started in December.
    january = report(world.admin, period="custom", start="2026-01-01", end="2026-01-31")
    assert figures(january.total)[:3] == (0, 0, 0)
    assert report(world.admin, year=2024).rows == []


def test_archived_activities_count_nowhere(world):
    summary = report(world.admin, period="custom", start="2026-04-01", end="2026-04-30")
    assert figures(summary.total) == (0, 0, 0, 0, 0, 0, 0, 0, Decimal("0"))


def test_filters_leader_and_department(world):
    li = report(world.admin, leader_id=world.li.id, by="department")
    assert figures(li.total) == (2, 2, 7, 3, 4, 3, 2, 1, Decimal("50000"))
    wang = report(world.admin, leader_id=world.wang.id)
    # Filtered on 王建国, the T1 row of 李强 still shows (T1 had both).
    assert by_name(wang) == {
        "王建国": (2, 1, 4, 2, 2, 3, 1, 1, Decimal("50000")),
        "李强": (1, 1, 4, 2, 2, 2, 1, 1, Decimal("50000")),
    }
    west = report(world.admin, department_id=world.west.id)
    assert figures(west.total) == (1, 1, 3, 3, 2, 1, 1, 0, Decimal("0"))


# --- scope ----------------------------------------------------------------------------


def test_staff_see_the_activities_of_their_scope(world):
    assert figures(report(world.staff_west).total) == (1, 1, 3, 3, 2, 1, 1, 0, Decimal("0"))
    assert figures(report(world.staff_east).total) == (2, 1, 4, 2, 2, 3, 1, 1, Decimal("50000"))
    assert figures(report(world.wang).total) == figures(report(world.admin).total)


def test_an_activity_one_took_part_in_is_in_ones_report(world):
    outsider = factories.user("staff", department=factories.department("北城街道"), name="钱七")
    t3 = world.acts["T3"]
    data = {**activity_services.edit_data(t3), "participant_ids": [outsider.id]}
    activity_services.update_activity(t3, data, world.admin, version=t3.version)
    db.session.commit()
    assert figures(report(outsider).total)[:3] == (1, 1, 3)


# --- the page and its drill-downs -------------------------------------------------------


def _drill(client, href):
    page = client.get(html_lib.unescape(href))
    assert page.status_code == 200, href
    text = page.get_data(as_text=True)
    total = int(re.search(r'data-total="(\d+)"', text).group(1))
    visible = int(re.search(r'data-visible="(\d+)"', text).group(1))
    days = [int(d) for d in re.findall(r'<td class="text-end activity-days">(\d+)</td>', text)]
    summed = re.search(r'data-days="(\d+)"', text)
    if summed:  # every activity listed: the page states their days, the sum of the rows
        assert int(summed.group(1)) == sum(days), href
    amount = re.search(r'data-amount="([^"]+)"', text)
    return total, visible, days, amount.group(1) if amount else None, text


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("admin", ""),
        ("admin", "?by=department"),
        ("admin", "?by=kind&year=2025"),
        ("admin", "?by=region"),
        ("staff_west", "?by=leader"),
        ("staff_east", "?by=region"),
    ],
)
def test_every_number_drills_to_a_list_of_the_same_size(world, client, login_as, who, query):
    login_as(getattr(world, who))
    page = client.get(f"/reports/activities{query}")
    assert page.status_code == 200
    links = LINK.findall(page.get_data(as_text=True))
    assert len(links) >= 9
    for kind, href, text in links:
        total, _visible, days, amount, _text = _drill(client, href)
        if kind == "cnt":
            assert int(text) == total, (href, text)
        elif kind == "avg":  # 外出天数: the days of the away activities listed
            assert sum(days) == int(text) and total == len(days), (href, text)
        else:  # 签约金额: the drill-down sums the same projects
            assert amount == text, (href, text)


def test_drill_downs_list_the_records(world, client, login_as):
    login_as(world.admin)
    page = client.get("/reports/activities?by=department").get_data(as_text=True)
    hrefs = {h for _kind, h, _text in LINK.findall(page)}

    def find(key, **dims):
        wanted = [f"m=activities.{key}", *(f"g_{k}={v}" for k, v in dims.items())]
        found = [h for h in hrefs if all(w in html_lib.unescape(h) for w in wanted) and ("g_" in h) == bool(dims)]
        assert found, (key, dims)
        return found[0]

    total, _v, days, _a, text = _drill(client, find("away"))
    assert (total, sorted(days)) == (2, [3, 4]) and "赴上海苏州招商" in text and "赴深圳招商" in text
    assert "/reports/drill/activities?" in html_lib.unescape(find("activities"))
    _t, _v, _d, _a, text = _drill(client, find("companies"))
    assert all(name in text for name in ("甲科技有限公司", "乙制造有限公司", "丙物流有限公司"))
    total, *_rest, text = _drill(client, find("companies", department=world.east.id))
    assert total == 2 and "丙物流" not in text
    assert "/reports/drill/visits?" in html_lib.unescape(find("visits"))
    total, *_rest, text = _drill(client, find("discussed"))
    assert total == 2 and "丙物流有限公司投资意向" in text
    total, _v, _d, amount, text = _drill(client, find("signed"))
    assert (total, amount) == (1, "5.0") and "乙制造有限公司投资意向" in text


def test_region_drill_down_by_name(world, client, login_as):
    login_as(world.admin)
    page = client.get("/reports/activities?by=region").get_data(as_text=True)
    shanghai = [h for _k, h, _t in LINK.findall(page) if "m=activities.activities" in h and "g_region=%E4%B8%8A" in h]
    total, _v, _d, _a, text = _drill(client, shanghai[0])
    assert total == 1 and "赴上海苏州招商" in text
    bad = client.get("/reports/drill/activities?m=activities.activities&g_region=" + "长" * 60)
    assert bad.status_code == 400


def test_staff_drill_down_lists_only_what_they_may_see(world, client, login_as):
    login_as(world.staff_west)
    page = client.get("/reports/activities").get_data(as_text=True)
    assert "赴深圳招商" not in page  # names are not in the table, the totals are
    href = next(h for _k, h, _t in LINK.findall(page) if "m=activities.activities" in h and "g_" not in h)
    total, visible, _d, _a, text = _drill(client, href)
    assert (total, visible) == (1, 1) and "赴深圳招商" in text and "赴上海苏州招商" not in text


def test_page_explains_shared_groups_and_exports(world, client, login_as):
    login_as(world.admin)
    text = client.get("/reports/activities").get_data(as_text=True)
    assert "计入每位领导的分组，但在合计中只计一次" in text
    assert "计入每个地区的分组" in client.get("/reports/activities?by=region").get_data(as_text=True)
    response = client.get("/reports/activities?by=kind&format=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data))["招商活动-按活动类型"].iter_rows(values_only=True))
    assert "招商活动统计" in rows[0][0]
    assert rows[1][:4] == ("活动类型", "活动次数", "外出次数", "外出天数")
    assert rows[-1] == ("合计", 3, 2, 7, 3, 4, 4, 2, 1, 5)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("by=everything", "取值无效"),
        ("period=custom&start=2026-07-01&end=2026-06-01", "早于开始日期"),
        ("period=custom&start=2026-13-01&end=2026-12-31", "不是有效日期"),
        ("department_id=abc", "部门"),
        ("leader_id=999999", "不存在"),
    ],
)
def test_bad_input_gets_a_clear_message(world, client, login_as, query, message):
    login_as(world.admin)
    response = client.get(f"/reports/activities?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_reports_index_names_both_reports(world, client, login_as):
    login_as(world.staff_east)
    text = client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/activities"' in text and "招商活动统计" in text
    assert 'href="/reports/activity"' in text and "对接走访统计" in text
    assert "<title>对接走访统计" in client.get("/reports/activity").get_data(as_text=True)


# --- the API ----------------------------------------------------------------------------


def _cells(html: str, start_at: str = "activities-table") -> list[list[str]]:
    start = html.index(start_at)
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    out = [[re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]
    return [r for r in out if len(r) == 10 and r[1] != "活动次数"]


def _api_row(name: str, x: dict) -> list[str]:
    keys = ["activities", "away", "days_away", "companies", "visits", "leads", "projects_discussed", "signed"]
    return [name, *(str(x[k]) for k in keys), x["signed_amount_yi"]]


@pytest.mark.parametrize(
    ("who", "api", "page"),
    [
        ("admin", "", ""),
        ("admin", "group=region", "by=region"),
        (
            "admin",
            "start=2025-01-01&end=2025-12-31&group=kind",
            "period=custom&start=2025-01-01&end=2025-12-31&by=kind",
        ),
        ("staff_west", "group=department", "by=department"),
        ("admin", "leader_id={li}", "leader_id={li}"),
        ("admin", "department_id={east}&group=region", "department_id={east}&by=region"),
    ],
)
def test_api_gives_the_pages_numbers(world, client, login_as, who, api, page):
    ids = {"li": world.li.id, "east": world.east.id}
    user = getattr(world, who)
    response = client.get(f"/api/v1/reports/activities?{api.format(**ids)}", headers=bearer(user))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    rows = [_api_row(g["name"], g) for g in body["groups"]] + [_api_row("合计", body["total"])]
    login_as(user)
    assert rows == _cells(client.get(f"/reports/activities?{page.format(**ids)}").get_data(as_text=True))


def test_api_known_figures(world, client):
    body = client.get("/api/v1/reports/activities", headers=bearer(world.admin)).get_json()
    assert (body["group"], body["period"]) == ("leader", {"start": "2026-01-01", "end": "2026-12-31"})
    assert body["total"] == {
        "activities": 3,
        "away": 2,
        "days_away": 7,
        "companies": 3,
        "visits": 4,
        "leads": 4,
        "projects_discussed": 2,
        "signed": 1,
        "signed_amount": "50000.0000",
        "signed_amount_yi": "5.0",
    }
    assert [(g["key"], g["name"]) for g in body["groups"]] == [
        (str(world.li.id), "李强"),
        (str(world.wang.id), "王建国"),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-13-01&end=2026-12-31", "start"),
        ("start=2026-01-01&end=tomorrow", "end"),
        ("start=2026-07-01&end=2026-06-30", "end"),
        ("start=2026-07-01", "end"),
        ("department_id=0", "department_id"),
        ("department_id=999999", "department_id"),
        ("leader_id=abc", "leader_id"),
        ("group=everything", "group"),
        ("industry=1", "industry"),  # not a parameter of this report
    ],
)
def test_api_bad_parameters_are_422_naming_the_parameter(world, client, query, field):
    response = client.get(f"/api/v1/reports/activities?{query}", headers=bearer(world.admin))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["message"] and field in error["fields"], error
    db.session.rollback()


def test_api_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/reports/activities"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"start", "end", "leader_id", "department_id", "group"}
    assert {"200", "401", "422"} <= set(op["responses"])


# --- the meeting pack and the targets --------------------------------------------------


def test_meeting_pack_includes_the_activities_by_leader(world, client, login_as):
    login_as(world.staff_east)
    page = client.get("/reports/pack?meeting=weekly&period=year").get_data(as_text=True)
    assert "七、招商活动（按带队领导）" in page
    section = page[page.index("七、招商活动") :]
    assert _cells(section) == [
        ["王建国", "2", "1", "4", "2", "2", "3", "1", "1", "5.0"],
        ["李强", "1", "1", "4", "2", "2", "2", "1", "1", "5.0"],
        ["合计", "2", "1", "4", "2", "2", "3", "1", "1", "5.0"],
    ]
    book = load_workbook(io.BytesIO(client.get("/reports/pack?meeting=weekly&period=year&format=xlsx").data))
    rows = list(book["招商活动-按带队领导"].iter_rows(values_only=True))
    assert rows[-1][:4] == ("合计", 2, 1, 4)


def test_trips_target_counts_away_activities_by_organising_department(world, client, login_as):
    q = parse_query({"year": "2026"}, clock.today(), options={"metric": TargetMetric.TRIPS.value})
    actuals = targets.actuals_by_department(q)
    assert actuals[(world.east.id, TargetMetric.TRIPS)] == 1  # T1 (T2 is not away, T4 began in 2025, T5 archived)
    assert actuals[(world.west.id, TargetMetric.TRIPS)] == 1
    db.session.add(Target(year=2026, department_id=world.east.id, metric=TargetMetric.TRIPS, value=Decimal(4)))
    db.session.commit()
    summary = targets.targets_report(q)
    east = next(r for r in summary.ranking if r.department_id == world.east.id)
    assert (east.value, east.target, east.completion) == (Decimal(1), Decimal(4), Decimal("25.0"))
    district = next(s for s in summary.district if s.metric is TargetMetric.TRIPS)
    assert district.value == 2
    # The targets page by this metric, and its number drills to the trips.
    login_as(world.staff_west)
    page = client.get("/reports/targets?year=2026&metric=trips")
    assert page.status_code == 200
    href = next(h for _k, h, _t in LINK.findall(page.get_data(as_text=True)) if "target.trips" in h and "g_" not in h)
    total, visible, _d, _a, _text = _drill(client, href)
    assert (total, visible) == (2, 1)  # district-wide, the list within the viewer's scope


# --- queries ------------------------------------------------------------------------------


def test_query_count_is_constant(world, count_queries):
    def run(by: str) -> int:
        q = activities.parse_activities_query({"by": by}, clock.today(), world.staff_east)
        db.session.refresh(world.staff_east)  # a request has its user loaded already
        with count_queries() as n:
            activities.activities_report(q)
        return n()

    before = {by: run(by) for by in activities.DIMENSIONS}
    assert max(before.values()) <= 12, before
    admin = world.admin
    for i in range(8):
        leader = factories.user("leader", name=f"领导{i}")
        act = _activity(
            admin, f"活动{i}", "外出招商", world.east, D(2026, 2, 1 + i), D(2026, 2, 2 + i), True, [leader], f"城市{i}"
        )
        company = fl.company(f"企业{i}有限公司")
        lead = _lead(admin, company, world.east, D(2026, 2, 1 + i), act)
        _visit(admin, D(2026, 2, 1 + i), act, lead=lead)
    db.session.commit()
    assert {by: run(by) for by in activities.DIMENSIONS} == before
