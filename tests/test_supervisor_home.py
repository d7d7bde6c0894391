"""The supervisor's (督查) home: the key projects on red and yellow with their
reasons, the overdue problems by responsible department and 督办 level, and
the way to the 龙虎榜 — what a supervisor opens the system for."""

from __future__ import annotations

import datetime as dt
import re

from app import clock
from app.db import db
from app.models import ProblemStatus
from tests import factories
from tests import factories_projects as fp


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _world():
    today = clock.today()
    east, west = factories.department("东城街道"), factories.department("西城街道")
    red = fp.project(name="红灯项目", department=east, last_progress_on=today)
    fp.problem(red, status=ProblemStatus.ASSIGNED, department=east, deadline=today - dt.timedelta(days=20))
    fp.problem(red, status=ProblemStatus.ASSIGNED, department=west, deadline=today - dt.timedelta(days=3))
    yellow = fp.project(name="黄灯项目", department=west, last_progress_on=today)
    fp.problem(yellow, status=ProblemStatus.ASSIGNED, department=west, deadline=today + dt.timedelta(days=10))
    fp.project(name="绿灯项目", department=west, last_progress_on=today)
    fp.project(name="非重点项目", is_key=False, department=west, last_progress_on=today - dt.timedelta(days=200))
    db.session.commit()
    return east, west, red, yellow


def test_supervisor_home_shows_lit_key_projects_with_reasons(client, login_as):
    _east, _west, red, yellow = _world()
    login_as("viewer")
    html = client.get("/").get_data(as_text=True)
    text = _text(html)
    assert "暂无待办事项" not in text
    assert "亮灯的重点项目" in text and "红灯 1" in text and "黄灯 1" in text
    assert text.index("红灯项目") < text.index("黄灯项目")  # red first
    assert "绿灯项目" not in text and "非重点项目" not in text
    assert "土地问题超期 20 天" in text  # the red project's reason is spelt out
    assert f'href="/projects/{red.id}"' in html and f'href="/projects/{yellow.id}"' in html
    assert "/projects/?key=1&amp;light=red" in html


def test_supervisor_home_counts_overdue_problems_by_department_and_level(client, login_as):
    east, west, _red, _yellow = _world()
    login_as("viewer")
    html = client.get("/").get_data(as_text=True)
    text = _text(html)
    assert "超期未办结的问题（按责任部门）" in text
    # 20 days overdue is red (third week); 3 days blue; east listed first (more red).
    assert text.index("东城街道") < text.index("西城街道")
    assert f"department_id={east.id}&amp;level=red&amp;overdue=1" in html
    assert f"department_id={west.id}&amp;level=blue&amp;overdue=1" in html
    # The numbers are the ledger's: follow one.
    ledger = client.get(f"/problems/?department_id={east.id}&level=red&overdue=1").get_data(as_text=True)
    assert "用地指标未落实" in ledger
    assert "龙虎榜" in text and 'href="/reports/targets' in html


def test_other_roles_do_not_get_the_supervisor_panels(client, login_as):
    _world()
    for role in ("staff", "leader", "admin"):
        client.post("/auth/logout")
        login_as(role)
        text = _text(client.get("/").get_data(as_text=True))
        assert "亮灯的重点项目" not in text and "超期未办结的问题（按责任部门）" not in text and "督查考评" not in text


def test_read_only_readers_get_a_link_not_an_action_button(client, login_as):
    east = factories.department("东城街道")
    project = fp.project(name="签约项目", department=east, last_progress_on=clock.today())
    fp.agreement(project, signed_on=clock.today() - dt.timedelta(days=30))
    db.session.commit()
    login_as("viewer")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    funding = f'href="/agreements/project/{project.id}/funding"'
    assert funding in html
    tag = html[html.rindex("<a", 0, html.index(funding)) : html.index(funding)]
    assert "btn" not in tag and "查看资金到位明细" in html and "录入到位资金" not in html
