"""Status lights 红黄绿灯 (DESIGN.md, Status light): every rule on its boundary
days with a fixed "today", the SQL expression and the per-page reasons
agreeing, thresholds from config, and one query per page."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.db import db, utcnow
from app.models import AgreementKind, Light, ProblemStatus, Project, Stage
from app.projects.lights import light_details, light_expression
from tests import factories_projects as fp

TODAY = dt.date(2026, 6, 15)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def sql_light(project: Project) -> Light | None:
    value = db.session.scalar(sa.select(light_expression(TODAY)).where(Project.id == project.id))
    return Light(value) if value else None


def light(project: Project) -> Light | None:
    """The light by SQL, checked against the reasons' own verdict."""
    by_sql = sql_light(project)
    info = light_details([project.id], TODAY)[project.id]
    assert info.light is by_sql, f"SQL says {by_sql}, reasons say {info.light}: {info.reasons}"
    return by_sql


def fresh(**fields) -> Project:
    """A key project updated today: green unless a rule says otherwise."""
    fields.setdefault("created_on", days(-100))
    fields.setdefault("last_progress_on", TODAY)
    return fp.project(**fields)


def test_only_key_projects_that_have_not_exited_have_a_light():
    assert light(fresh(is_key=False)) is None
    assert light(fresh(stage=Stage.EXITED)) is None
    assert light(fresh()) is Light.GREEN


@pytest.mark.parametrize(
    ("due", "done", "expected"),
    [
        (-1, None, Light.RED),  # overdue by one day
        (0, None, Light.YELLOW),  # due today: not overdue yet
        (7, None, Light.YELLOW),  # due within 7 days
        (8, None, Light.GREEN),  # just outside the window
        (-30, -31, Light.GREEN),  # met (done) milestones never count
    ],
)
def test_milestone_rules_on_their_boundary_days(due, done, expected):
    project = fresh()
    fp.milestone(project, due_on=days(due), done_on=days(done) if done is not None else None)
    assert light(project) is expected


@pytest.mark.parametrize(
    ("status", "deadline", "expected"),
    [
        (ProblemStatus.REPORTED, None, Light.YELLOW),  # an open problem
        (ProblemStatus.ASSIGNED, 0, Light.YELLOW),  # deadline today: not past
        (ProblemStatus.ASSIGNED, -1, Light.RED),  # past its deadline
        (ProblemStatus.IN_PROGRESS, -1, Light.RED),
        (ProblemStatus.ANSWERED, -10, Light.YELLOW),  # answered: open, but not the department's delay
        (ProblemStatus.CLOSED, -10, Light.GREEN),
    ],
)
def test_problem_rules(status, deadline, expected):
    project = fresh()
    fp.problem(project, status=status, deadline=days(deadline) if deadline is not None else None)
    assert light(project) is expected


def test_archived_problem_does_not_count():
    project = fresh()
    problem = fp.problem(project, status=ProblemStatus.ASSIGNED, deadline=days(-5))
    problem.archived_at = utcnow()
    db.session.flush()
    assert light(project) is Light.GREEN


@pytest.mark.parametrize(
    ("last_update", "expected"),
    [(-14, Light.GREEN), (-15, Light.YELLOW), (-30, Light.YELLOW), (-31, Light.RED)],
)
def test_no_update_rules_on_their_boundary_days(last_update, expected):
    assert light(fresh(last_progress_on=days(last_update))) is expected


@pytest.mark.parametrize(
    ("created", "expected"),
    [(-14, Light.GREEN), (-15, Light.YELLOW), (-30, Light.YELLOW), (-31, Light.RED)],
)
def test_without_any_update_the_clock_runs_from_entry(created, expected):
    assert light(fp.project(created_on=days(created), last_progress_on=None)) is expected


def test_production_projects_are_not_lit_for_missing_updates():
    project = fresh(stage=Stage.PRODUCTION, last_progress_on=days(-200))
    assert light(project) is Light.GREEN
    fp.milestone(project, due_on=days(-1))
    assert light(project) is Light.RED


@pytest.mark.parametrize(
    ("stage", "committed", "expected"),
    [
        (Stage.SIGNED, -1, Light.RED),  # committed start of construction passed while still signed
        (Stage.SIGNED, 0, Light.YELLOW),
        (Stage.SIGNED, 7, Light.YELLOW),
        (Stage.SIGNED, 8, Light.GREEN),
        (Stage.LANDED, -30, Light.GREEN),  # no longer `signed`
        (Stage.CONSTRUCTION, -30, Light.GREEN),
    ],
)
def test_committed_construction_date_counts_as_a_milestone(stage, committed, expected):
    project = fresh(stage=stage)
    fp.agreement(project, signed_on=days(-90), committed_construction_on=days(committed))
    assert light(project) is expected


def test_commitment_of_archived_agreement_is_ignored():
    project = fresh(stage=Stage.SIGNED)
    agreement = fp.agreement(project, signed_on=days(-90), committed_construction_on=days(-5))
    agreement.archived_at = utcnow()
    db.session.flush()
    assert light(project) is Light.GREEN


def test_latest_agreement_states_the_commitment():
    project = fresh(stage=Stage.SIGNED)
    fp.agreement(project, kind=AgreementKind.FRAMEWORK, signed_on=days(-120), committed_construction_on=days(-10))
    fp.agreement(project, kind=AgreementKind.INVESTMENT, signed_on=days(-60), committed_construction_on=days(30))
    assert light(project) is Light.GREEN


def test_red_wins_over_yellow_and_reasons_list_both():
    project = fresh(last_progress_on=days(-20))
    fp.milestone(project, name="土地挂牌", due_on=days(-12))
    fp.milestone(project, name="施工许可", due_on=days(3))
    info = light_details([project.id], TODAY)[project.id]
    assert info.light is Light.RED
    assert info.reasons[0] == "节点『土地挂牌』逾期 12 天"
    assert "节点『施工许可』3 天后到期" in info.reasons
    assert "已 20 天无推进记录" in info.reasons


def test_reason_texts():
    overdue_problem = fresh()
    fp.problem(overdue_problem, status=ProblemStatus.ASSIGNED, deadline=days(-5), category="土地")
    stale = fresh(last_progress_on=days(-45))
    promised = fresh(stage=Stage.SIGNED)
    fp.agreement(promised, signed_on=days(-90), committed_construction_on=days(-20))
    green = fresh()
    infos = light_details([overdue_problem.id, stale.id, promised.id, green.id], TODAY)
    assert infos[overdue_problem.id].reason == "土地问题超期 5 天"
    assert infos[stale.id].reason == "已 45 天无推进记录"
    assert "承诺开工日期 2026-05-26 已过 20 天" in infos[promised.id].reason
    assert infos[green.id].light is Light.GREEN
    assert infos[green.id].reasons == []


def test_thresholds_come_from_config(app):
    project = fresh(last_progress_on=days(-20))
    assert light(project) is Light.YELLOW
    app.config["LIGHT_RED_NO_UPDATE_DAYS"] = 19
    try:
        assert light(project) is Light.RED
    finally:
        app.config["LIGHT_RED_NO_UPDATE_DAYS"] = 30
    app.config["LIGHT_YELLOW_MILESTONE_DAYS"] = 3
    try:
        other = fresh()
        fp.milestone(other, due_on=days(4))
        assert light(other) is Light.GREEN
    finally:
        app.config["LIGHT_YELLOW_MILESTONE_DAYS"] = 7


def test_light_expression_filters_and_sorts_in_sql():
    red = fresh(name="红灯项目")
    fp.milestone(red, due_on=days(-1))
    yellow = fresh(name="黄灯项目", last_progress_on=days(-20))
    green = fresh(name="绿灯项目")
    fresh(name="一般项目", is_key=False)
    light_col = light_expression(TODAY)
    reds = db.session.scalars(sa.select(Project.name).where(light_col == "red")).all()
    assert reds == ["红灯项目"]
    counts = dict(db.session.execute(sa.select(light_col, sa.func.count()).group_by(light_col)).all())
    assert counts == {"red": 1, "yellow": 1, "green": 1, None: 1}
    assert {red.id, yellow.id, green.id} <= set(light_details([red.id, yellow.id, green.id], TODAY))


def test_details_for_a_page_take_one_query(count_queries):
    ids = []
    for n in range(40):
        project = fresh(last_progress_on=days(-n))
        fp.milestone(project, due_on=days(n - 20))
        fp.problem(project, status=ProblemStatus.ASSIGNED, deadline=days(10 - n))
        ids.append(project.id)
    db.session.commit()
    with count_queries() as counted:
        infos = light_details(ids, TODAY)
    assert counted() == 1
    assert len(infos) == 40
    # And they agree with the SQL expression for every one of them.
    by_sql = dict(db.session.execute(sa.select(Project.id, light_expression(TODAY)).where(Project.id.in_(ids))).all())
    assert {pid: info.light.value for pid, info in infos.items()} == by_sql
