"""产业链 over the API: chains with their segments and strengths, the target
list with the page's filters, adding a target (the chain's editors only),
PATCH with version (409 when stale), a target turned into a lead (撞单 as a
409 to confirm; the lead remembers chain and target) and the chain filter on
the lead list."""

from __future__ import annotations

import datetime as dt

import pytest

from app.db import db
from app.models import ChainSegment, Department, Role, SegmentStage, Stage
from tests import factories
from tests import factories_chains as fc
from tests import factories_leads as fl
from tests import factories_projects as fp
from tests.factories_api import bearer

TODAY = dt.date(2026, 7, 10)


@pytest.fixture
def town(set_today):
    set_today(TODAY)
    bureau = factories.department("区投资促进局")
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    chain = fc.chain(name="智能制造", department=bureau)
    robots = fc.segment(chain, "工业机器人", SegmentStage.MIDSTREAM)
    parts = fc.segment(chain, "减速器", SegmentStage.UPSTREAM)
    fc.local(robots, fl.company("本地机器人有限公司"))
    target = fc.target(chain, "埃斯顿自动化股份有限公司", robots, region="江苏南京", priority="high")
    fc.target(chain, "绿的谐波传动科技股份有限公司", parts, region="江苏苏州", priority="low")
    ids = {
        "chain": chain.id,
        "robots": robots.id,
        "parts": parts.id,
        "target": target.id,
        "east": east.id,
        "west": west.id,
        "bureau_staff": bearer(factories.user(Role.STAFF, department=bureau)),
        "east_staff": bearer(factories.user(Role.STAFF, department=east)),
        "viewer": bearer(factories.user(Role.VIEWER)),
    }
    db.session.commit()
    return ids


def test_chains_come_with_their_segments_and_strengths(client, town):
    answer = client.get("/api/v1/chains", headers=town["viewer"])
    assert answer.status_code == 200
    chain = answer.json["items"][0]
    segments = {s["name"]: s for s in chain["segments"]}
    assert segments["工业机器人"]["strength"] == "weak" and segments["工业机器人"]["local_companies"] == 1
    assert segments["减速器"]["strength"] == "gap" and segments["减速器"]["targets"] == 1
    assert client.get(f"/api/v1/chains/{town['chain']}", headers=town["viewer"]).json["name"] == "智能制造"


def test_the_target_list_filters_as_the_page(client, town):
    every = client.get("/api/v1/targets", headers=town["viewer"]).json
    assert every["total"] == 2 and every["items"][0]["priority"] == "high"  # high first
    low = client.get("/api/v1/targets?priority=low", headers=town["viewer"]).json
    assert [t["name"] for t in low["items"]] == ["绿的谐波传动科技股份有限公司"]
    by_region = client.get("/api/v1/targets?region=南京", headers=town["viewer"]).json
    assert by_region["total"] == 1 and by_region["items"][0]["contact"] is None
    bad = client.get("/api/v1/targets?priority=urgent", headers=town["viewer"])
    assert bad.status_code == 422


def test_only_the_chains_editors_add_targets_and_a_stale_patch_is_409(client, town):
    body = {"name": "新松机器人自动化股份有限公司", "chain_id": town["chain"], "segment_id": town["robots"]}
    assert client.post("/api/v1/targets", json=body, headers=town["east_staff"]).status_code == 403
    created = client.post("/api/v1/targets", json=body, headers=town["bureau_staff"])
    assert created.status_code == 201 and created.json["status"] == "pending"
    wrong = client.post(
        "/api/v1/targets", json={**body, "name": "某公司", "segment_id": 999999}, headers=town["bureau_staff"]
    )
    assert wrong.status_code == 422 and "segment_id" in wrong.json["error"]["fields"]
    target_id, version = created.json["id"], created.json["version"]
    patched = client.patch(
        f"/api/v1/targets/{target_id}", json={"version": version, "priority": "high"}, headers=town["bureau_staff"]
    )
    assert patched.status_code == 200 and patched.json["priority"] == "high"
    assert patched.json["segment_id"] == town["robots"]  # what was not sent stays
    stale = client.patch(
        f"/api/v1/targets/{target_id}", json={"version": version, "region": "沈阳"}, headers=town["bureau_staff"]
    )
    assert stale.status_code == 409


def test_a_target_becomes_a_lead_with_the_conflict_confirmed(client, town):
    company = fl.company("埃斯顿自动化股份有限公司")
    fl.lead(company=company, department=db.session.get(Department, town["west"]))
    db.session.commit()
    url = f"/api/v1/targets/{town['target']}/lead"
    assert client.post(url, json={"confirm_duplicate": False}, headers=town["viewer"]).status_code == 403
    warned = client.post(url, json={"confirm_duplicate": False}, headers=town["east_staff"])
    assert warned.status_code == 409 and "西城街道" in warned.json["error"]["message"]
    done = client.post(
        url, json={"company_choice": str(company.id), "confirm_duplicate": True}, headers=town["east_staff"]
    )
    assert done.status_code == 201
    lead = done.json
    assert (lead["chain_id"], lead["target_id"], lead["has_conflict"]) == (town["chain"], town["target"], True)
    assert lead["owner_department_id"] == town["east"]
    target = client.get(f"/api/v1/targets/{town['target']}", headers=town["viewer"]).json
    assert target["status"] == "following" and target["contact"]["leads"] == 2
    by_chain = client.get(f"/api/v1/leads?chain_id={town['chain']}", headers=town["viewer"]).json
    assert [item["id"] for item in by_chain["items"]] == [lead["id"]]


def test_the_chain_filter_narrows_projects_the_funnel_and_the_library(client, town):
    placed = fp.project(name="机器人整机项目", stage=Stage.ATTRACTING)
    fc.placed(db.session.get(ChainSegment, town["robots"]), placed)
    fp.project(name="无关项目", stage=Stage.ATTRACTING)
    fl.lead(department=db.session.get(Department, town["east"]), received_on=TODAY)  # not on the chain
    db.session.commit()
    east = town["east_staff"]
    client.post(f"/api/v1/targets/{town['target']}/lead", json={"confirm_duplicate": False}, headers=east)
    viewer, chain = town["viewer"], town["chain"]
    projects = client.get(f"/api/v1/projects?chain_id={chain}", headers=viewer).json
    assert [p["name"] for p in projects["items"]] == ["机器人整机项目"]
    funnel = client.get(f"/api/v1/reports/funnel?chain_id={chain}", headers=viewer).json
    assert funnel["steps"][0]["count"] == 1
    everything = client.get("/api/v1/reports/funnel", headers=viewer).json
    assert everything["steps"][0]["count"] == 2
    library = client.get(f"/api/v1/reports/library?chain_id={chain}", headers=viewer).json
    assert library["total"]["count"] == 1
    unknown = client.get("/api/v1/reports/funnel?chain_id=999999", headers=viewer)
    assert unknown.status_code == 422 and "产业链" in unknown.json["error"]["message"]
