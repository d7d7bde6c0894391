"""The rule the 比学赶超 ranking reads: per responsible department, the
rectifications due in a period and those closed (销号) by their deadline —
an answer sent back, a late closing, an open one and an archived one do not
count as on time; deadlines outside the period are left out."""

from __future__ import annotations

import datetime as dt

import pytest

from app.db import db
from app.inspections import services
from app.inspections.rules import Escalation, escalation_of, rectifications_on_time_by_department
from app.lookups import ref_id
from app.models import InspectionKind, RefKind
from tests import factories

START = dt.date(2026, 4, 1)


@pytest.fixture
def world(set_today):
    set_today(START)
    world = {
        "east": factories.department("东城街道"),
        "west": factories.department("西城街道"),
        "supervisor": factories.user("viewer"),
    }
    world["east_staff"] = factories.user("staff", department=world["east"])
    db.session.commit()
    return world


def _record(world, dept, deadline, **data):
    return services.record_inspection(
        {
            "inspected_on": START,
            "kind": InspectionKind.UNANNOUNCED.value,
            "department_id": dept.id,
            "finding_ids": [ref_id(RefKind.INSPECTION_FINDING, "慢作为")],
            "description": "窗口办件超时",
            "requirement": "一周内整改到位",
            "deadline": deadline,
            **data,
        },
        world["supervisor"],
    )


def _close_on(world, inspection, day, set_today):
    set_today(day)
    services.answer_inspection(inspection, "已整改", world["east_staff"], version=inspection.version)
    services.close_inspection(inspection, world["supervisor"], version=inspection.version)


def test_rectifications_due_in_the_period_and_those_closed_by_their_deadline(world, set_today):
    east, west = world["east"], world["west"]
    on_time = _record(world, east, dt.date(2026, 4, 10))
    late = _record(world, east, dt.date(2026, 4, 12))
    sent_back = _record(world, east, dt.date(2026, 4, 20))
    still_open = _record(world, east, dt.date(2026, 4, 25))
    archived = _record(world, east, dt.date(2026, 4, 26))
    outside = _record(world, east, dt.date(2026, 5, 3))
    west_one = _record(world, west, dt.date(2026, 4, 30), responsible_department_id=west.id)
    _close_on(world, on_time, dt.date(2026, 4, 10), set_today)
    _close_on(world, late, dt.date(2026, 4, 13), set_today)
    set_today(dt.date(2026, 4, 15))
    services.answer_inspection(sent_back, "已整改", world["east_staff"], version=sent_back.version)
    services.return_inspection(sent_back, "未见整改材料", world["supervisor"], version=sent_back.version)
    archived.archived_at = dt.datetime(2026, 4, 15, 8, 0)
    _close_on(world, outside, dt.date(2026, 4, 16), set_today)
    db.session.commit()
    assert still_open.closed_on is None and west_one.closed_on is None

    counts = rectifications_on_time_by_department(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert counts == {east.id: (4, 1), west.id: (1, 0)}
    assert rectifications_on_time_by_department(dt.date(2026, 5, 1), dt.date(2026, 5, 31)) == {east.id: (1, 1)}
    assert rectifications_on_time_by_department(dt.date(2027, 1, 1), dt.date(2027, 1, 31)) == {}


def test_an_overdue_rectification_escalates_one_level_a_week(world, set_today):
    inspection = _record(world, world["east"], dt.date(2026, 4, 10))
    db.session.commit()
    for day, level in [(10, Escalation.NONE), (11, Escalation.BLUE), (18, Escalation.YELLOW), (25, Escalation.RED)]:
        assert escalation_of(inspection, dt.date(2026, 4, day)) is level
    services.answer_inspection(inspection, "已整改", world["east_staff"], version=inspection.version)
    assert escalation_of(inspection, dt.date(2026, 4, 25)) is Escalation.NONE
