"""周期分析 over many stays: the medians and 80th percentiles per step, over
all groups and per department, against the same rule worked out in Python
over the status and stage histories (stays ending in the period or still
open, ties and changes on one day, one stay and two, a group with none)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import Lead, LeadStatus, LeadStatusChange, Project, Stage, StageChange
from app.reports import speed
from app.reports.filters import parse_query
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp

PERIOD = {"period": "h1", "year": "2025"}
START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
LEAD_PATH = [LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING, LeadStatus.CONVERTED]
STAGE_PATH = [Stage.PLANNING, Stage.ATTRACTING, Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION]


@pytest.fixture
def histories(app):
    """60 leads and 30 projects in three departments (one without), moving
    along their paths from late 2024 into H2 2025 at random."""
    rnd = random.Random(24)
    departments = [factories.department(f"部门{i}") for i in range(3)]
    for i in range(60):
        when = dt.datetime(2024, 10, 1, 9) + dt.timedelta(days=rnd.randrange(200), minutes=i)
        lead = fl.lead(department=departments[i % 3], received_on=when.date(), status_changed_at=when)
        for status in LEAD_PATH[1 : 1 + rnd.randrange(4)]:
            when += dt.timedelta(days=rnd.choice([0, 0, 1, 3, 7, 30, 45]), hours=rnd.randrange(3))
            db.session.add(LeadStatusChange(lead_id=lead.id, from_status=None, to_status=status, changed_at=when))
        if i == 5:
            lead.archived_at = clock.now()
    for i in range(30):
        day = dt.date(2024, 11, 1) + dt.timedelta(days=rnd.randrange(150))
        project = fp.project(department=departments[i % 3] if i % 4 else None, created_on=day)
        for stage in STAGE_PATH[: 1 + rnd.randrange(6)]:
            at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=len(project.name))
            db.session.add(StageChange(project_id=project.id, to_stage=stage, changed_on=day, changed_at=at))
            day += dt.timedelta(days=rnd.choice([0, 2, 10, 40, 90]))
    db.session.commit()
    return departments


def _stays() -> list[tuple[str, int, int | None, int]]:
    """(step, current, department, days) of every stay the report counts."""
    today = clock.today()
    found = []
    leads = {lead.id: lead for lead in db.session.scalars(sa.select(Lead))}
    changes: dict[int, list[LeadStatusChange]] = {}
    for change in db.session.scalars(sa.select(LeadStatusChange)):
        changes.setdefault(change.lead_id, []).append(change)
    for lead_id, rows in changes.items():
        if leads[lead_id].archived_at is not None:
            continue
        rows.sort(key=lambda c: (c.changed_at, c.id))
        for change, following in zip(rows, [*rows[1:], None], strict=True):
            finish = following.changed_at.date() if following else None
            if change.to_status in speed.LEAD_STEPS and (finish is None or START <= finish <= END):
                days = ((finish or today) - change.changed_at.date()).days
                found.append(
                    (f"lead.{change.to_status.value}", int(finish is None), leads[lead_id].owner_department_id, days)
                )
    projects = {project.id: project for project in db.session.scalars(sa.select(Project))}
    stages: dict[int, list[StageChange]] = {}
    for change in db.session.scalars(sa.select(StageChange)):
        stages.setdefault(change.project_id, []).append(change)
    for project_id, rows in stages.items():
        rows.sort(key=lambda c: (c.changed_on, c.changed_at, c.id))
        for change, following in zip(rows, [*rows[1:], None], strict=True):
            finish = following.changed_on if following else None
            if change.to_stage in speed.PROJECT_STEPS and (finish is None or START <= finish <= END):
                days = ((finish or today) - change.changed_on).days
                department = projects[project_id].lead_department_id
                found.append((f"stage.{change.to_stage.value}", int(finish is None), department, days))
    return found


def _percentile(values: list[int], rank: int, numerator: int, denominator: int) -> Decimal:
    value = Decimal(values[rank - 1])
    if numerator:
        value += (Decimal(values[rank]) - value) * numerator / denominator
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _stat(values: list[int]) -> speed.Stat:
    values = sorted(values)
    n = len(values)
    median = _percentile(values, 1 + (n - 1) // 2, (n - 1) % 2, 2)
    p80 = _percentile(values, 1 + 4 * (n - 1) // 5, 4 * (n - 1) % 5, 5)
    return speed.Stat(n, median, p80)


def test_medians_and_80th_percentiles_over_all_and_per_department(histories):
    report = speed.speed_report(parse_query(PERIOD, clock.today(), options={"by": "department"}))
    stays = _stays()
    assert len(stays) > 50
    overall = {}
    for key, current in {(s[0], s[1]) for s in stays}:
        overall[(key, current)] = _stat([s[3] for s in stays if s[0] == key and s[1] == current])
    for row in report.overall:
        if row.key == speed.RECEIVED_TO_SIGNED:
            continue
        assert row.completed == overall.get((row.key, 0), speed.EMPTY), row.key
        assert row.current == overall.get((row.key, 1), speed.EMPTY), row.key
    names = {d.id: d.name for d in histories}
    groups = dict(report.groups)
    completed = [s for s in stays if s[1] == 0]
    assert set(groups) == {names.get(s[2], "未指定") for s in completed}
    for department in {s[2] for s in completed}:
        shown = dict(zip(speed.STEP_KEYS, groups[names.get(department, "未指定")], strict=True))
        for key in {s[0] for s in completed}:
            days = [s[3] for s in completed if s[0] == key and s[2] == department]
            assert shown[key] == (_stat(days) if days else speed.EMPTY), (department, key)
