"""Committed dates feed the status light (DESIGN.md, Status light): a
committed start of construction that has passed while the project is still
`signed` is an overdue milestone (red); one due within the yellow window is
yellow. The light itself is computed in `app.projects.lights`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.db import db, utcnow
from app.models import AgreementKind, Light, Project, Stage
from app.projects import lights
from app.projects.services import move_stage
from tests import factories_agreements as fa

TODAY = dt.date(2026, 6, 30)  # a fixed "today"; agreements are signed before it


def light(project: Project) -> tuple[str | None, str]:
    info = lights.light_details([project.id], TODAY)[project.id]
    in_sql = db.session.scalar(sa.select(lights.light_expression(TODAY)).where(Project.id == project.id))
    assert (info.light.value if info.light else None) == in_sql, "SQL light and its reasons disagree"
    return in_sql, info.reason


def signed_key_project(committed: dt.date | None, **fields) -> Project:
    project = fa.project(stage=Stage.ATTRACTING, is_key=True, **fields)
    fa.agreement(
        project, signed_on=dt.date(2026, 3, 18), committed_construction_on=committed, committed_production_on=None
    )
    project.last_progress_on = TODAY  # keep the "no update" rules out of the way
    db.session.commit()
    return project


@pytest.mark.parametrize(
    ("committed", "expected"),
    [
        (TODAY - dt.timedelta(days=12), Light.RED),
        (TODAY - dt.timedelta(days=1), Light.RED),  # the first day past
        (TODAY, Light.YELLOW),  # due today: not overdue yet
        (TODAY + dt.timedelta(days=7), Light.YELLOW),  # the edge of the yellow window
        (TODAY + dt.timedelta(days=8), Light.GREEN),
        (None, Light.GREEN),
    ],
)
def test_committed_start_of_construction_on_its_boundary_days(app, committed, expected):
    project = signed_key_project(committed)
    assert project.stage is Stage.SIGNED
    value, reason = light(project)
    assert value == expected.value
    if expected is Light.RED:
        assert "承诺开工日期" in reason and f"已过 {(TODAY - committed).days} 天" in reason


def test_a_project_that_started_construction_is_not_red_for_the_commitment(app):
    project = signed_key_project(TODAY - dt.timedelta(days=30))
    move_stage(project, Stage.LANDED, fa.actor(), on=dt.date(2026, 5, 1))
    move_stage(project, Stage.CONSTRUCTION, fa.actor(), on=dt.date(2026, 6, 1))
    project.last_progress_on = TODAY
    db.session.commit()
    assert light(project)[0] == Light.GREEN.value


def test_a_later_agreement_that_postpones_the_start_clears_the_red(app):
    project = signed_key_project(TODAY - dt.timedelta(days=10))
    fa.agreement(
        project,
        kind=AgreementKind.SUPPLEMENTARY,
        signed_on=dt.date(2026, 5, 1),
        agreed_investment=Decimal(0),
        committed_construction_on=TODAY + dt.timedelta(days=60),
        committed_production_on=None,
    )
    db.session.commit()
    assert light(project)[0] == Light.GREEN.value
    # Archiving that supplementary agreement brings the old commitment back.
    project.agreements[-1].archived_at = utcnow()
    db.session.commit()
    assert light(project)[0] == Light.RED.value


def test_projects_that_are_not_key_carry_no_light(app):
    project = fa.project(stage=Stage.ATTRACTING, is_key=False)
    fa.agreement(project, committed_construction_on=TODAY - dt.timedelta(days=10), committed_production_on=None)
    db.session.commit()
    assert light(project)[0] is None
