"""`flask seed-demo`'s supervision step: company problems (one 销号, one
overdue, one awaiting 交办) and two inspections, one with an overdue
rectification on the 东城街道's home; twice adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.db import db
from app.demo import DemoContext
from app.demo import org as demo_org
from app.demo import projects as demo_projects
from app.demo import supervision as demo_supervision
from app.inspections.rules import overdue_condition as inspection_overdue
from app.models import Inspection, InspectionStatus, Problem, ProblemStatus
from app.problems.rules import overdue_condition


def test_seed_demo_has_company_problems_and_two_inspections_one_overdue():
    today = clock.today()
    ctx = DemoContext(today=today)
    demo_org.seed(ctx)
    demo_projects.seed(ctx)
    summary = demo_supervision.seed(ctx)
    db.session.commit()
    assert "企业诉求 3 个" in summary
    company_problems = db.session.scalars(sa.select(Problem).where(Problem.project_id.is_(None))).all()
    assert {p.status for p in company_problems} == {
        ProblemStatus.CLOSED,
        ProblemStatus.ASSIGNED,
        ProblemStatus.REPORTED,
    }
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Problem.id)).where(overdue_condition(today), Problem.project_id.is_(None))
        )
        == 1
    )
    statuses = sorted(s.value for s in db.session.scalars(sa.select(Inspection.status)))
    assert statuses == [InspectionStatus.ANSWERED.value, InspectionStatus.RECTIFYING.value]
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id)).where(inspection_overdue(today))) == 1
    assert "跳过" in demo_supervision.seed(DemoContext(today=today))
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 2
