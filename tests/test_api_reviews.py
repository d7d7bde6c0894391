"""观摩评比 over the API, with the page's rules: a reviewer scores a project
on every criterion (refusals name the problem and write nothing), only the
event's reviewers score, a closed event answers 409 and keeps its scores;
the results show to who may read them; the composite ranking."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.db import db
from app.models import ReviewScore, Role
from app.reviews import services
from tests import factories
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = dt.date(2026, 9, 20)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    admin = factories.user(Role.ADMIN)
    leader = factories.user(Role.LEADER, name="王副区长")
    reviewer = factories.user(Role.STAFF, department=east, name="东城评委")
    outsider = factories.user(Role.STAFF, department=west, name="西城招商员")
    park = fp.project(name="智能装备产业园", department=east)
    port = fp.project(name="西城物流港", department=west)
    event = services.create_event({"name": "三季度观摩", "held_on": TODAY, "kind": "季度项目观摩"}, admin)
    for project in (park, port):
        services.add_project(event, project.id, admin)
    for user in (leader, reviewer):
        services.add_reviewer(event, user.id, admin)
    db.session.commit()
    return {
        "admin": admin,
        "leader": leader,
        "reviewer": reviewer,
        "outsider": outsider,
        "park": park,
        "port": port,
        "event": event,
    }


def _scores(event, values):
    return {str(c.id): v for c, v in zip(event.criteria, values, strict=True)}


def test_a_reviewer_scores_through_the_api(client, world):
    event, park = world["event"], world["park"]
    path = f"/api/v1/reviews/{event.id}/scores"
    response = client.post(
        path,
        json={"project_id": park.id, "scores": _scores(event, [90, 80, "70.5", 60])},
        headers=bearer(world["reviewer"]),
    )
    assert response.status_code == 200, response.json
    # (30·90 + 30·80 + 20·70.5 + 20·60) / 100
    assert response.json["weighted"] == "77.10"
    detail = client.get(f"/api/v1/reviews/{event.id}", headers=bearer(world["reviewer"])).json
    assert detail["is_reviewer"] and detail["status"] == "open"
    mine = next(p for p in detail["projects"] if p["project_id"] == park.id)["my_scores"]
    assert sorted(mine.values()) == ["60.00", "70.50", "80.00", "90.00"]
    assert detail["departments"] is None and mine  # staff: no running results
    listing = client.get("/api/v1/reviews", headers=bearer(world["outsider"])).json
    assert listing["total"] == 1 and listing["items"][0]["is_reviewer"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"scores": {}},  # no project
        {"project_id": 1, "scores": "x"},
        {"project_id": 1, "scores": {"1": "NaN"}, "extra": 1},
    ],
)
def test_a_malformed_body_is_refused(client, world, body):
    event = world["event"]
    response = client.post(f"/api/v1/reviews/{event.id}/scores", json=body, headers=bearer(world["reviewer"]))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewScore)) == 0


def test_a_missing_or_out_of_range_score_writes_nothing(client, world):
    event = world["event"]
    path = f"/api/v1/reviews/{event.id}/scores"
    for values in ([90, 80, 70], [90, 80, 70, 101], [90, 80, 70, -1]):
        scores = {str(c.id): v for c, v in zip(event.criteria, values, strict=False)}
        response = client.post(
            path, json={"project_id": world["park"].id, "scores": scores}, headers=bearer(world["reviewer"])
        )
        assert response.status_code == 422, values
    response = client.post(
        path,
        json={"project_id": world["outsider"].id + 999, "scores": _scores(event, [1, 1, 1, 1])},
        headers=bearer(world["reviewer"]),
    )
    assert response.status_code == 422 and "project_id" in response.json["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewScore)) == 0


def test_only_the_events_reviewers_score(client, world):
    event = world["event"]
    body = {"project_id": world["park"].id, "scores": _scores(event, [1, 1, 1, 1])}
    for who in ("admin", "outsider"):
        assert (
            client.post(f"/api/v1/reviews/{event.id}/scores", json=body, headers=bearer(world[who])).status_code == 403
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewScore)) == 0


def test_a_closed_event_is_locked(client, world):
    event = world["event"]
    path = f"/api/v1/reviews/{event.id}/scores"
    body = {"project_id": world["park"].id, "scores": _scores(event, [80, 80, 80, 80])}
    assert client.post(path, json=body, headers=bearer(world["leader"])).status_code == 200
    services.close_event(event, world["admin"])
    db.session.commit()
    late = client.post(path, json={**body, "scores": _scores(event, [10, 10, 10, 10])}, headers=bearer(world["leader"]))
    assert late.status_code == 409 and "锁定" in late.json["error"]["message"]
    assert set(db.session.scalars(sa.select(ReviewScore.score))) == {80}
    detail = client.get(f"/api/v1/reviews/{event.id}", headers=bearer(world["outsider"])).json
    park = next(p for p in detail["projects"] if p["project_id"] == world["park"].id)
    assert (park["rank"], park["score"]) == (1, "80.00")
    assert detail["departments"][0] == {
        "department_id": world["park"].lead_department_id,
        "name": "东城街道",
        "projects": 1,
        "score": "80.00",
        "rank": 1,
    }


def test_the_ranking_over_the_api(client, world):
    event = world["event"]
    for who, value in (("leader", 90), ("reviewer", 70)):
        for project in (world["park"], world["port"]):
            client.post(
                f"/api/v1/reviews/{event.id}/scores",
                json={"project_id": project.id, "scores": _scores(event, [value] * 4)},
                headers=bearer(world[who]),
            )
    services.close_event(event, world["admin"])
    db.session.commit()
    response = client.get("/api/v1/reports/ranking?start=2026-07-01&end=2026-09-30", headers=bearer(world["outsider"]))
    assert response.status_code == 200
    data = response.json
    assert data["weights"] == {"targets": "40", "reviews": "30", "problems": "15", "rectifications": "15"}
    assert "reviews" not in data["missing"] and "targets" in data["missing"]
    rows = {r["name"]: r for r in data["rows"]}
    assert rows["东城街道"]["total"] == "80.00" and rows["东城街道"]["rank"] == 1 and rows["西城街道"]["rank"] == 1
    assert rows["东城街道"]["parts"]["reviews"]["score"] == "80.00"
    assert (
        client.get(
            "/api/v1/reports/ranking?start=2026-09-30&end=2026-01-01", headers=bearer(world["outsider"])
        ).status_code
        == 422
    )
