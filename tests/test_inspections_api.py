"""/api/v1/inspections: the supervision office records an inspection, the
responsible department answers, the supervisor sends it back and closes it —
each step under the page's rule (403 otherwise), a stale version 409; a
department lists and reads only its own inspections."""

from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import RefKind
from tests import factories
from tests import factories_inspections as fi
from tests.factories_api import bearer

TODAY = clock.today()


@pytest.fixture
def world():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    world = {
        "east": east,
        "west": west,
        "supervisor": factories.user("viewer"),
        "east_staff": factories.user("staff", department=east),
        "west_staff": factories.user("staff", department=west),
    }
    db.session.commit()
    return world


def test_record_answer_return_close(client, world):
    body = {
        "inspected_on": TODAY.isoformat(),
        "kind": "unannounced",
        "department_id": world["east"].id,
        "finding_ids": [ref_id(RefKind.INSPECTION_FINDING, "不作为")],
        "description": "暗访窗口：无人值守",
        "requirement": "三日内整改",
        "deadline": (TODAY + dt.timedelta(days=3)).isoformat(),
    }
    assert client.post("/api/v1/inspections", json=body, headers=bearer(world["east_staff"])).status_code == 403
    created = client.post("/api/v1/inspections", json=body, headers=bearer(world["supervisor"]))
    assert created.status_code == 201, created.get_json()
    out = created.get_json()
    assert out["status"] == "rectifying" and out["findings"] == ["不作为"]
    assert out["responsible_department_id"] == world["east"].id
    iid = out["id"]

    def step(user, **data):
        return client.post(f"/api/v1/inspections/{iid}/steps", json=data, headers=bearer(user))

    assert step(world["west_staff"], action="answer", version=1, answer="x").status_code == 404
    assert step(world["supervisor"], action="answer", version=1, answer="x").status_code == 403
    assert step(world["east_staff"], action="answer", version=9, answer="x").status_code == 409
    answered = step(world["east_staff"], action="answer", version=1, answer="已安排专人值守")
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered"
    assert step(world["east_staff"], action="close", version=2).status_code == 403
    assert step(world["supervisor"], action="return", version=2).status_code == 422  # a reason is required
    back = step(world["supervisor"], action="return", version=2, reason="未见照片")
    assert back.get_json()["status"] == "rectifying"
    step(world["east_staff"], action="answer", version=3, answer="附照片")
    closed = step(world["supervisor"], action="close", version=4)
    assert closed.status_code == 200 and closed.get_json()["closed_on"] == TODAY.isoformat()


def test_departments_list_only_their_own(client, world):
    east = fi.inspection(
        world["supervisor"],
        world["east"],
        deadline=TODAY - dt.timedelta(days=8),
        inspected_on=TODAY - dt.timedelta(days=20),
    )
    west = fi.inspection(world["supervisor"], world["west"])
    db.session.commit()
    mine = client.get("/api/v1/inspections", headers=bearer(world["east_staff"])).get_json()
    assert [item["id"] for item in mine["items"]] == [east.id]
    assert mine["items"][0]["escalation"] == "yellow" and mine["items"][0]["days_overdue"] == 8
    assert client.get(f"/api/v1/inspections/{west.id}", headers=bearer(world["east_staff"])).status_code == 404
    everything = client.get("/api/v1/inspections?overdue=true", headers=bearer(world["supervisor"])).get_json()
    assert [item["id"] for item in everything["items"]] == [east.id]
    assert client.get("/api/v1/inspections?kind=nope", headers=bearer(world["supervisor"])).status_code == 422
