"""The leader's desk (领导工作台) and the weekly 项目服务日 sheet: ordering red →
yellow → green, what each row shows, counts on top, who sees which desk, the
sheet's grouping and week, its A4 print and .xlsx export, and query counts
that do not grow with the number of projects."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from app import clock
from app.db import db
from app.models import ProblemStatus, Role, Stage
from app.projects.desk import default_week, leader_desk, service_sheet, week_of
from tests import factories
from tests import factories_projects as fp

TODAY = clock.today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _desk_projects(leader):
    green = fp.complete_project(leader=leader, name="绿灯项目")
    red = fp.complete_project(leader=leader, name="红灯项目")
    fp.milestone(red, name="土地挂牌", due_on=days(-12))
    yellow = fp.complete_project(leader=leader, name="黄灯项目")
    fp.problem(yellow, status=ProblemStatus.REPORTED, description="待交办的问题")
    plain = fp.project(leader=leader, is_key=False, name="一般项目")
    fp.project(leader=leader, name="已退出项目", stage=Stage.EXITED)
    fp.project(leader=factories.user(Role.LEADER), name="别人的项目")
    return red, yellow, green, plain


def test_desk_orders_red_yellow_green_then_unlit():
    leader = factories.user(Role.LEADER)
    _red, _yellow, _green, _plain = _desk_projects(leader)
    desk = leader_desk(leader, TODAY)
    assert [row.project.name for row in desk.rows] == ["红灯项目", "黄灯项目", "绿灯项目", "一般项目"]
    assert [row.light.css for row in desk.rows] == ["red", "yellow", "green", ""]
    assert desk.rows[0].light.reasons[0] == "节点『土地挂牌』逾期 12 天"


def test_desk_rows_show_next_milestone_last_update_problems_and_instructions():
    leader = factories.user(Role.LEADER)
    project = fp.complete_project(leader=leader, last_progress_on=None)
    fp.milestone(project, name="施工许可", due_on=days(3))
    fp.milestone(project, name="已完成节点", due_on=days(-40), done_on=days(-41))
    fp.progress(project, on=days(-5), text="较早的推进")
    fp.progress(project, on=days(-2), text="最近一次推进")
    fp.problem(project, status=ProblemStatus.ASSIGNED, deadline=days(-9), department=factories.department())
    fp.problem(project, status=ProblemStatus.CLOSED)
    fp.instruction(project, leader)
    fp.instruction(project, leader, acknowledged=True)
    row = leader_desk(leader, TODAY).rows[0]
    assert row.next_milestone.name == "施工许可" and row.next_milestone_days(TODAY) == 3
    assert row.last_update.text == "最近一次推进"
    assert (row.open_problems, row.overdue_problems, row.escalation.key) == (1, 1, "yellow")
    assert row.unacknowledged == 1


def test_desk_counts_and_waiting_problems():
    leader = factories.user(Role.LEADER)
    red, _yellow, _green, _plain = _desk_projects(leader)
    fp.problem(red, status=ProblemStatus.ANSWERED, description="待销号的问题")
    desk = leader_desk(leader, TODAY)
    counts = desk.counts
    assert (counts["projects"], counts["key"]) == (4, 3)
    assert (counts["red"], counts["yellow"], counts["green"]) == (1, 1, 1)
    assert counts["open_problems"] == 2
    assert {p.description for p in desk.waiting_problems} == {"待交办的问题", "待销号的问题"}


def test_leader_home_page_is_the_desk(client, login_as):
    leader = login_as("leader")
    _desk_projects(leader)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "领导工作台" in html
    assert html.index("红灯项目") < html.index("黄灯项目") < html.index("绿灯项目") < html.index("一般项目")
    assert "别人的项目" not in html and "已退出项目" not in html
    assert "待交办的问题" in html


def test_each_project_is_on_the_desk_once_and_a_long_desk_is_paged_in_desk_order(client, login_as):
    """One markup for desk and phone; past DESK_PAGE_ROWS projects the desk
    is paged in its order (red and yellow on the first page), the counts on
    top still over every project; the home shows the first page and links
    to the rest."""
    from app.projects.desk import DESK_PAGE_ROWS

    leader = login_as("leader")
    red, yellow, green, _plain = _desk_projects(leader)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert html.count(f'href="/projects/{green.id}"') == 1 and "page=2" not in html

    for n in range(DESK_PAGE_ROWS):
        fp.complete_project(leader=leader, name=f"批量绿灯项目{n:02d}")
    db.session.commit()
    total = DESK_PAGE_ROWS + 4
    first = client.get("/projects/desk").get_data(as_text=True)
    assert first.count(f'href="/projects/{red.id}"') == 1 and first.count(f'href="/projects/{yellow.id}"') == 1
    assert first.count('<tr class="row-') == DESK_PAGE_ROWS and f"共 {total} 条" in first
    second = client.get("/projects/desk?page=2").get_data(as_text=True)
    assert f'href="/projects/{red.id}"' not in second and "一般项目" in second  # unlit projects last
    assert f'<div class="value text-success">{DESK_PAGE_ROWS + 1}</div>' in second  # counts over every project
    shown = [name for page in (first, second) for name in re.findall(r"批量绿灯项目\d\d", page)]
    assert sorted(shown) == [f"批量绿灯项目{n:02d}" for n in range(DESK_PAGE_ROWS)]
    home = client.get("/").get_data(as_text=True)
    assert home.count('<tr class="row-') == DESK_PAGE_ROWS and 'href="/projects/desk?page=2"' in home
    assert client.get("/projects/desk?page=99").status_code == 200  # past the end: the last page


def test_staff_home_has_no_desk(client, login_as):
    login_as("staff")
    assert "领导工作台" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("viewer", 200), ("leader", 200), ("staff", 403)])
def test_who_may_open_a_leaders_desk(client, login_as, role, status):
    leader = factories.user(Role.LEADER, name="王建国")
    fp.complete_project(leader=leader, name="分包项目")
    db.session.commit()
    login_as(role)
    response = client.get(f"/projects/desk?leader_id={leader.id}")
    assert response.status_code == status
    if status == 200:
        assert "分包项目" in response.get_data(as_text=True)


def test_desk_of_a_non_leader_is_404(client, login_as):
    login_as("admin")
    staff = factories.user(Role.STAFF)
    db.session.commit()
    assert client.get(f"/projects/desk?leader_id={staff.id}").status_code == 404
    assert client.get("/projects/desk?leader_id=abc").status_code == 404


def test_desk_queries_do_not_grow_with_projects(client, login_as, count_queries):
    leader = login_as("leader")

    def add(n: int) -> None:
        for i in range(n):
            project = fp.complete_project(leader=leader)
            fp.milestone(project, due_on=days(i - 3))
            fp.progress(project, on=days(-i))
            fp.problem(project, status=ProblemStatus.ASSIGNED, deadline=days(-i), department=factories.department())
            fp.instruction(project, leader)
        db.session.commit()

    add(2)
    with count_queries() as few:
        client.get("/")
    add(20)
    with count_queries() as many:
        client.get("/")
    assert many() == few()
    with count_queries() as page:
        client.get("/projects/desk")
    assert page() <= 10


# --- 项目服务日 sheet ---------------------------------------------------------------


def test_default_week_is_last_week():
    monday, sunday = week_of(dt.date(2026, 6, 17))  # a Wednesday
    assert (monday, sunday) == (dt.date(2026, 6, 15), dt.date(2026, 6, 21))
    assert default_week(dt.date(2026, 6, 17)) == dt.date(2026, 6, 8)


def test_sheet_groups_key_projects_by_leader_with_the_weeks_updates():
    a = factories.user(Role.LEADER, name="阿领导")
    b = factories.user(Role.LEADER, name="贝领导")
    monday = week_of(TODAY)[0] - dt.timedelta(days=7)
    p1 = fp.complete_project(leader=a, name="甲项目")
    fp.progress(p1, on=monday + dt.timedelta(days=1), text="本周推进一")
    fp.progress(p1, on=monday - dt.timedelta(days=1), text="上上周的推进")
    fp.complete_project(leader=b, name="乙项目")
    fp.project(is_key=True, name="无领导项目")
    fp.project(is_key=False, leader=a, name="非重点项目")
    sheet = service_sheet(monday, TODAY, [])
    assert [g.leader.name if g.leader else None for g in sheet.groups] == ["阿领导", "贝领导", None]
    first = sheet.groups[0].rows[0]
    assert first.project.name == "甲项目"
    assert [u.text for u in first.updates] == ["本周推进一"]
    assert sheet.project_count == 3 and sheet.update_count == 1 and sheet.silent_count == 2


def test_sheet_page_prints_on_a4_and_exports(client, login_as):
    login_as("viewer")
    leader = factories.user(Role.LEADER, name="阿领导", title="副区长")
    project = fp.complete_project(leader=leader, name="甲项目")
    monday = week_of(TODAY)[0] - dt.timedelta(days=7)
    fp.progress(project, on=monday, text="召开项目服务日现场办公会")
    db.session.commit()
    html = client.get(f"/projects/service-day?week={monday.isoformat()}").get_data(as_text=True)
    assert "重点项目服务日工作表" in html and "召开项目服务日现场办公会" in html
    assert "print-a4-landscape.css" in html
    css = client.get("/static/css/print-a4-landscape.css").get_data(as_text=True)
    assert "size: A4 landscape" in css
    response = client.get(f"/projects/service-day.xlsx?week={monday.isoformat()}")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert "项目服务日" in rows[0][0]
    assert rows[2][0] == "阿领导（副区长）" and rows[2][1] == "甲项目"
    assert "召开项目服务日现场办公会" in rows[2][6]


def test_sheet_week_parameter_is_forgiving(client, login_as):
    login_as("admin")
    assert client.get("/projects/service-day?week=2026-02-30").status_code == 200
    assert client.get("/projects/service-day?week=bogus").status_code == 200


def test_sheet_queries_do_not_grow(client, login_as, count_queries):
    login_as("admin")

    def add(n: int) -> None:
        for _ in range(n):
            project = fp.complete_project(leader=factories.user(Role.LEADER))
            fp.progress(project, on=default_week(TODAY) + dt.timedelta(days=2))
        db.session.commit()

    add(2)
    with count_queries() as few:
        client.get("/projects/service-day")
    add(15)
    with count_queries() as many:
        client.get("/projects/service-day")
    assert many() == few() and many() <= 10


def test_sheet_for_one_leader(client, login_as):
    login_as("admin")
    a = factories.user(Role.LEADER, name="阿领导")
    b = factories.user(Role.LEADER, name="贝领导")
    fp.complete_project(leader=a, name="甲项目")
    fp.complete_project(leader=b, name="乙项目")
    db.session.commit()
    html = client.get(f"/projects/service-day?leader_id={a.id}").get_data(as_text=True)
    assert "甲项目" in html and "乙项目" not in html
    response = client.get(f"/projects/service-day.xlsx?leader_id={b.id}")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[2:]] == ["乙项目"]


def test_desk_names_each_projects_company_and_five_ones_state(client, login_as):
    from tests import factories_leads as fl

    leader = login_as("leader")
    company = fl.company("华润置业有限公司")
    fp.complete_project(leader=leader, name="万象城项目", company_id=company.id)
    lacking = fp.project(leader=leader, name="缺方案项目", last_progress_on=TODAY, department=factories.department())
    lacking.team = [factories.user(Role.STAFF)]
    db.session.commit()
    rows = {row.project.name: row for row in leader_desk(leader, TODAY).rows}
    assert (rows["万象城项目"].five_done, rows["万象城项目"].five_missing) == (5, [])
    assert (rows["缺方案项目"].five_done, rows["缺方案项目"].five_missing) == (4, ["一套方案"])
    text = " ".join(client.get("/").get_data(as_text=True).split())
    assert "华润置业有限公司" in text
    assert '五个一 落实 4/5</a><span class="text-muted"> · 缺：一套方案' in text
    assert "五个一 落实 5/5" in text
