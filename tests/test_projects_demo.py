"""The projects demo step: every stage, key projects under the five ones, a
mix of lights, problems in every state, and seeding twice adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.db import db
from app.demo import DemoContext
from app.demo import org as org_step
from app.demo import projects as projects_step
from app.models import Instruction, Milestone, Problem, ProblemStatus, Project, Stage
from app.problems.rules import escalation_expression
from app.projects.five_ones import implementation_rate
from app.projects.lights import light_expression


def test_demo_projects_are_believable_and_idempotent():
    today = clock.today()
    ctx = DemoContext(today=today)
    org_step.seed(ctx)
    summary = projects_step.seed(ctx)
    assert "新增项目" in summary
    stages = set(db.session.scalars(sa.select(Project.stage).distinct()))
    assert stages == set(Stage)
    count = db.session.scalar(sa.select(sa.func.count(Project.id)))
    assert 60 <= count <= 80

    key_without_leader = db.session.scalar(
        sa.select(sa.func.count(Project.id)).where(
            Project.is_key.is_(True), Project.stage != Stage.EXITED, Project.responsible_leader_id.is_(None)
        )
    )
    assert key_without_leader == 0
    light = light_expression(today)
    lights = dict(db.session.execute(sa.select(light, sa.func.count()).group_by(light)).all())
    assert lights.get("red", 0) >= 5 and lights.get("yellow", 0) >= 5 and lights.get("green", 0) >= 10
    statuses = set(db.session.scalars(sa.select(Problem.status).distinct()))
    assert statuses == set(ProblemStatus)
    levels = set(db.session.scalars(sa.select(escalation_expression(today)).distinct()))
    assert levels == {0, 1, 2, 3}  # 蓝, 黄 and 红 督办 all show
    overdue = db.session.scalar(
        sa.select(sa.func.count(Milestone.id)).where(Milestone.done_on.is_(None), Milestone.due_on < today)
    )
    assert overdue > 0
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id)).where(Instruction.acknowledged_at.is_(None))) > 0
    rate = implementation_rate(today=today)
    assert 0 < rate.complete < rate.total  # some key projects still lack one of the five

    projects_step.seed(DemoContext(today=today))
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == count


def test_demo_funnel_reaches_its_later_steps(app):
    """Converted leads go on to sign, land, build and produce in the demo,
    so the funnel a newcomer opens is not empty past 洽谈."""
    import sqlalchemy as sa

    from app.db import db
    from app.models import Project

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    from_leads = Project.lead_id.is_not(None)
    signed = db.session.scalar(sa.select(sa.func.count(Project.id)).where(from_leads, Project.signed_on.is_not(None)))
    built = db.session.scalar(
        sa.select(sa.func.count(Project.id)).where(from_leads, Project.construction_on.is_not(None))
    )
    producing = db.session.scalar(
        sa.select(sa.func.count(Project.id)).where(from_leads, Project.production_on.is_not(None))
    )
    assert signed > built > 0 and producing > 0
