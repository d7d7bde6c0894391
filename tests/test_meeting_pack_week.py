"""The meeting pack (issue 16): the 周调度会 reads this week by default (Monday
to Sunday, across a month's end), and the pack lists the leaders' 批示 past
their 办理时限 with no 反馈 — on the page and as a sheet of the workbook —
over the projects the reader may see."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from app.db import db
from app.models import InstructionStatus, Role
from app.reports.periods import parse_period
from tests import factories
from tests import factories_projects as fp

WEDNESDAY = dt.date(2026, 12, 2)


def test_this_week_runs_monday_to_sunday_across_a_months_end(app):
    week = parse_period({"period": "week"}, dt.date(2026, 12, 2))
    assert (week.start, week.end) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert week.label == "本周（2026-11-30 至 2026-12-06）"


def test_weekly_pack_defaults_to_this_week(client, login_as, set_today):
    set_today(WEDNESDAY)
    login_as("leader")
    page = client.get("/reports/pack?meeting=weekly").get_data(as_text=True)
    assert "本周（2026-11-30 至 2026-12-06）" in page
    monthly = client.get("/reports/pack?meeting=monthly").get_data(as_text=True)
    assert "本月（2026-12-01 至 2026-12-31）" in monthly


def test_pack_lists_overdue_instructions_the_reader_may_see(client, login_as, set_today):
    set_today(WEDNESDAY)
    leader = factories.user(Role.LEADER, name="李副区长")
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    ours = fp.complete_project(leader=leader, department=east, name="东城新材料项目")
    theirs = fp.complete_project(leader=leader, department=west, name="西城物流园")
    fp.instruction(ours, leader, text="抓紧协调用地指标", due_on=WEDNESDAY - dt.timedelta(days=9))
    fp.instruction(ours, leader, text="已反馈的批示", due_on=WEDNESDAY - dt.timedelta(days=9),
                   status=InstructionStatus.ANSWERED)  # fmt: skip
    fp.instruction(ours, leader, text="尚未到期的批示", due_on=WEDNESDAY + dt.timedelta(days=3))
    fp.instruction(theirs, leader, text="西城的逾期批示", due_on=WEDNESDAY - dt.timedelta(days=2))
    db.session.commit()

    login_as("staff", department=east)
    page = client.get("/reports/pack?meeting=weekly").get_data(as_text=True)
    section = page[page.index("逾期未反馈的领导批示") :]
    section = section[: section.index("</table>")]
    assert "抓紧协调用地指标" in section and "东城新材料项目" in section and "李副区长" in section
    assert '<td class="text-end">9</td>' in section
    assert "已反馈的批示" not in section and "尚未到期的批示" not in section
    assert "西城的逾期批示" not in section  # another department's project

    book = load_workbook(io.BytesIO(client.get("/reports/pack?meeting=weekly&format=xlsx").data))
    rows = [r for r in book["逾期批示"].iter_rows(values_only=True) if r and r[0] == "李副区长"]
    assert len(rows) == 1 and rows[0][1] == "东城新材料项目" and rows[0][4] == 9
