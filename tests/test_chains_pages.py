"""产业链 pages through HTTP: the list, the map (chart data, strengths, the
segment panel htmx loads), the target list with its filters and export, a
target turned into a lead from its page (the 撞单 question and its
confirmation), and who may edit what (admin, the 链长, the chain
department's staff; other staff, leaders and viewers read)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.db import db
from app.models import Chain, Lead, Role, SegmentStage, Stage, TargetCompany, TargetStatus
from tests import factories
from tests import factories_chains as fc
from tests import factories_leads as fl
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 10)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    bureau = factories.department("区投资促进局")
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    leader = factories.user(Role.LEADER, name="王副区长")
    chain = fc.chain(name="生物医药", department=bureau, chain_leader_id=leader.id)
    up = fc.segment(chain, "原料药", SegmentStage.UPSTREAM)
    mid = fc.segment(chain, "制剂", SegmentStage.MIDSTREAM)
    fc.local(mid, fl.company("本地制剂有限公司"), master=True)
    target = fc.target(chain, "恒瑞医药股份有限公司", up, region="江苏连云港", department_id=east.id)
    ids = {
        "chain": chain.id,
        "up": up.id,
        "mid": mid.id,
        "target": target.id,
        "bureau": bureau,
        "east": east,
        "west": west,
        "leader": leader,
    }
    db.session.commit()
    return ids


def test_the_chain_list_and_map_show_segments_coloured_by_strength(client, login_as, world):
    login_as("viewer")
    listing = client.get("/chains/")
    assert listing.status_code == 200 and "生物医药" in listing.text and "缺链 1" in listing.text
    page = client.get(f"/chains/{world['chain']}")
    assert page.status_code == 200
    raw = re.search(r'data-chart-data="([^"]+)"', page.text).group(1)
    chart = json.loads(raw.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))
    by_name = {seg["name"]: seg for stage in chart["children"] for seg in stage["children"]}
    assert by_name["原料药"]["strength"] == "gap" and by_name["制剂"]["strength"] == "strong"
    assert by_name["原料药"]["targets"] == 1
    assert "js/chains.js" in page.text and "vendor/echarts/echarts.min.js" in page.text
    panel = client.get(f"/chains/segments/{world['up']}", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.text and "恒瑞医药股份有限公司" in panel.text
    assert "添加环节" not in page.text  # a viewer reads only


def test_the_target_list_filters_and_exports(client, login_as, world):
    fc.target(db.session.get(Chain, world["chain"]), "远方生物科技有限公司", priority="low", region="上海")
    db.session.commit()
    login_as("staff")
    everything = client.get("/chains/targets")
    assert "恒瑞医药股份有限公司" in everything.text and "远方生物科技有限公司" in everything.text
    high = client.get("/chains/targets?region=上海&priority=low")
    assert "远方生物科技有限公司" in high.text and "恒瑞医药股份有限公司" not in high.text
    by_segment = client.get(f"/chains/targets?segment_id={world['up']}")
    assert "恒瑞医药股份有限公司" in by_segment.text and "远方生物科技有限公司" not in by_segment.text
    bad = client.get("/chains/targets?chain_id=abc")
    assert bad.status_code == 200 and "已忽略" in bad.text
    assert client.get("/chains/targets/export.xlsx?chain_id=abc").status_code == 400
    export = client.get(f"/chains/targets/export.xlsx?chain_id={world['chain']}")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("序号", "产业链", "环节", "目标企业")
    assert {r[3] for r in rows[2:-1]} == {"恒瑞医药股份有限公司", "远方生物科技有限公司"}
    assert rows[-1][0] == "合计"


def test_a_target_becomes_a_lead_from_its_page_confirming_the_conflict(client, login_as, world):
    company = fl.company("恒瑞医药股份有限公司")
    fl.lead(company=company, department=world["west"], received_on=dt.date(2026, 1, 5))
    target = db.session.get(TargetCompany, world["target"])
    target.company_id = company.id
    db.session.commit()
    staff = login_as("staff", department=world["east"])
    page = client.get(f"/chains/targets/{world['target']}")
    assert "已有对接" in page.text and "西城街道 首报" in page.text
    warned = client.post(f"/chains/targets/{world['target']}/lead")
    assert warned.status_code == 409 and "撞单提醒" in warned.text and "西城街道" in warned.text
    assert db.session.scalar(sa.select(sa.func.count(Lead.id)).where(Lead.target_id == world["target"])) == 0
    done = client.post(
        f"/chains/targets/{world['target']}/lead", data={"company_choice": str(company.id), "confirm_duplicate": "1"}
    )
    assert done.status_code == 302 and "/leads/" in done.headers["Location"]
    lead = db.session.scalar(sa.select(Lead).where(Lead.target_id == world["target"]))
    assert (lead.chain_id, lead.owner_department_id, lead.owner_user_id) == (world["chain"], world["east"].id, staff.id)
    assert lead.has_conflict
    shown = client.get(f"/leads/{lead.id}")
    assert f"/chains/targets/{world['target']}" in shown.text and "生物医药" in shown.text
    db.session.expire_all()
    assert db.session.get(TargetCompany, world["target"]).status is TargetStatus.FOLLOWING


def test_the_chain_leader_and_the_chain_department_edit_others_read(client, login_as, world):
    segment_form = {"name": "医疗器械", "stage": "midstream"}
    login_as(world["leader"])
    assert client.post(f"/chains/{world['chain']}/segments", data=segment_form).status_code == 302
    client.post("/auth/logout")
    login_as("leader")  # another leader
    assert client.post(f"/chains/{world['chain']}/segments", data={**segment_form, "name": "流通"}).status_code == 403
    client.post("/auth/logout")
    login_as("staff", department=world["bureau"])
    created = client.post(
        "/chains/targets/new",
        data={"chain_id": world["chain"], "name": "迈瑞医疗", "priority": "high", "status": "pending"},
    )
    assert created.status_code == 302
    client.post("/auth/logout")
    login_as("staff", department=world["west"])
    assert client.get(f"/chains/targets/new?chain_id={world['chain']}").status_code == 403
    assert client.get(f"/chains/targets/{world['target']}/edit").status_code == 403
    assert client.get("/chains/new").status_code == 403
    client.post("/auth/logout")
    login_as("staff", department=world["east"])  # the target's department
    assert client.get(f"/chains/targets/{world['target']}/edit").status_code == 200


def test_placing_companies_and_projects_changes_the_strength(client, login_as, world):
    fl.company("原料药一厂有限公司")
    project = fp.project(name="原料药扩产项目", stage=Stage.SIGNED)
    db.session.commit()
    login_as("admin")
    placed = client.post(f"/chains/segments/{world['up']}/companies", data={"company_name": "原料药一厂有限公司"})
    assert placed.status_code == 302
    unknown = client.post(f"/chains/segments/{world['up']}/companies", data={"company_name": "不存在的公司"})
    assert unknown.status_code == 422 and "企业库中没有这家企业" in unknown.text
    assert (
        client.post(f"/chains/segments/{world['up']}/projects", data={"project": "原料药扩产项目"}).status_code == 302
    )
    page = client.get(f"/chains/segments/{world['up']}")
    assert "原料药一厂有限公司" in page.text and "原料药扩产项目" in page.text and "弱链" in page.text
    assert project.id


def test_the_chain_report_counts_per_segment_and_exports(client, login_as, world):
    chain = db.session.get(Chain, world["chain"])
    up = next(s for s in chain.segments if s.name == "原料药")
    talking = fp.project(name="原料药洽谈项目", stage=Stage.ATTRACTING, planned_investment=35000)
    fc.placed(up, talking)
    signed = fp.project(name="原料药签约项目", stage=Stage.SIGNED, signed_on=TODAY, planned_investment=120000)
    fc.placed(up, signed)
    db.session.commit()
    login_as("staff", department=world["east"])
    client.post(f"/chains/targets/{world['target']}/lead")
    page = client.get("/reports/chains")
    assert page.status_code == 200
    row = re.search(r"<tr><td[^>]*>原料药</td>(.*?)</tr>", page.text, re.S).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[:5] == ["弱链", "1", "1", "1", "15.5"] and cells[5] == "是"  # a gap at new year, filled now
    export = client.get("/reports/chains?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "环节" and rows[-1][0] == "合计" and float(rows[-1][5]) == 15.5
    assert client.get(f"/reports/chains?chain_id={world['chain']}").status_code == 200
    assert client.get("/reports/chains?chain_id=999999").status_code == 400
    pack = client.get("/reports/pack?meeting=monthly")
    assert pack.status_code == 200 and "九、产业链招商" in pack.text and "原料药" in pack.text
