"""Project delivery in the status light (序时进度): behind the schedule on the
yellow and red boundaries with a fixed clock, the phasing replacing the
time-proportional line, a month not reported by its deadline, a planned
start or production passed; the SQL light and the worded reasons agree."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.db import db
from app.delivery.schedule import due_month
from app.models import Light, Project, Stage
from app.projects.lights import light_details, light_expression
from tests import factories
from tests import factories_delivery as fd
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 10)  # June's report is due (deadline 07-05 passed)


def light(project: Project) -> tuple[Light | None, list[str]]:
    by_sql = db.session.scalar(sa.select(light_expression(TODAY)).where(Project.id == project.id))
    info = light_details([project.id], TODAY)[project.id]
    assert (info.light.value if info.light else None) == by_sql, info.reasons
    return info.light, info.reasons


def key_project(**fields) -> Project:
    fields.setdefault("created_on", dt.date(2025, 1, 1))
    fields.setdefault("last_progress_on", TODAY)
    fields.setdefault("stage", Stage.CONSTRUCTION)
    fields.setdefault("construction_on", dt.date(2025, 3, 1))
    return fp.project(**fields)


def test_the_due_month_follows_the_deadline_day(app):
    assert due_month(dt.date(2026, 7, 5), 5) == dt.date(2026, 5, 1)
    assert due_month(dt.date(2026, 7, 6), 5) == dt.date(2026, 6, 1)
    assert due_month(dt.date(2026, 1, 3), 5) == dt.date(2025, 11, 1)


def _with_year_to_date(set_today, completed_through_june: int, *, phasing=None) -> Project:
    admin = factories.user("admin")
    project = key_project()
    set_today(TODAY)
    fd.plan(project, admin, year=2026, planned=1200, phasing=phasing)
    # June's due: six months of 1200/12 = 600 scheduled.
    for month in range(1, 7):
        amount = completed_through_june if month == 6 else 0
        fd.report(project, admin, month=dt.date(2026, month, 1), completed=amount)
    return project


def test_ten_points_behind_is_yellow_nine_is_green(set_today):
    # 600 scheduled of 1200: 480 completed is exactly 10 points behind.
    assert light(_with_year_to_date(set_today, 480))[0] is Light.YELLOW
    assert light(_with_year_to_date(set_today, 492))[0] is Light.GREEN  # 9 points behind


def test_thirty_points_behind_is_red_with_the_reason(set_today):
    lit, reasons = light(_with_year_to_date(set_today, 240))
    assert lit is Light.RED
    assert "年度投资完成 20.0%，落后序时进度 30.0 个百分点" in reasons
    assert light(_with_year_to_date(set_today, 252))[0] is Light.YELLOW  # 29 points


def test_the_phasing_replaces_the_time_proportional_line(set_today):
    # Back-loaded year: only 100 planned through June, so 100 done is on schedule.
    phasing = [0, 0, 0, 0, 0, 100, 100, 100, 200, 200, 200, 300]
    assert light(_with_year_to_date(set_today, 100, phasing=phasing))[0] is Light.GREEN
    assert light(_with_year_to_date(set_today, 100))[0] is Light.RED  # 600 scheduled without phasing


def test_a_month_not_reported_by_its_deadline_is_yellow(set_today):
    admin = factories.user("admin")
    project = key_project()
    set_today(TODAY)
    fd.plan(project, admin, year=2026, planned=0)
    for month in range(1, 6):
        fd.report(project, admin, month=dt.date(2026, month, 1), completed=0)
    lit, reasons = light(project)
    assert lit is Light.YELLOW
    assert reasons == ["2026-06 投资月报未报（截止 2026-07-05）"]
    fd.report(project, admin, month=dt.date(2026, 6, 1), completed=0)
    assert light(project)[0] is Light.GREEN


def test_a_planned_start_passed_without_construction_is_red(set_today):
    admin = factories.user("admin")
    project = key_project(stage=Stage.LANDED, construction_on=None)
    set_today(TODAY)
    fd.plan(project, admin, year=2026, planned=0, start_on=dt.date(2026, 7, 9))
    for month in range(1, 7):
        fd.report(project, admin, month=dt.date(2026, month, 1), completed=0)
    lit, reasons = light(project)
    assert lit is Light.RED
    assert reasons == ["计划 2026-07-09 开工，已逾期 1 天未开工"]
    project.construction_on = dt.date(2026, 7, 9)
    db.session.flush()
    assert light(project)[0] is Light.GREEN


def test_the_thresholds_come_from_config(app, set_today, monkeypatch):
    project = _with_year_to_date(set_today, 480)  # 10 points behind
    monkeypatch.setitem(app.config, "LIGHT_YELLOW_BEHIND_POINTS", 11)
    assert light(project)[0] is Light.GREEN
    monkeypatch.setitem(app.config, "LIGHT_RED_BEHIND_POINTS", 10)
    assert light(project)[0] is Light.RED
