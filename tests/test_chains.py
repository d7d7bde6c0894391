"""产业链招商: a segment's strength counted from its local companies and
signed projects (gap / weak / strong on their thresholds, subtrees, a day in
the past), gaps closed this year, and a target turned into a lead in one
step — the lead remembers chain and target, the 撞单 rule applies as for any
lead, and the target shows who has contacted the company."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.chains import queries, services, strength
from app.chains.services import ChainError
from app.db import db
from app.leads.refusals import DuplicateWarning, LeadError
from app.leads.services import create_lead, edit_data, update_lead
from app.models import AuditLog, CompanyConflict, Lead, SegmentStage, Stage, TargetStatus
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
    chain = fc.chain(name="生物医药", department=bureau)
    up = fc.segment(chain, "原料药", SegmentStage.UPSTREAM)
    mid = fc.segment(chain, "制剂", SegmentStage.MIDSTREAM)
    devices = fc.segment(chain, "医疗器械", SegmentStage.MIDSTREAM)
    sub = fc.segment(chain, "高值耗材", SegmentStage.MIDSTREAM, parent=devices)
    down = fc.segment(chain, "医药流通", SegmentStage.DOWNSTREAM)
    db.session.commit()
    return {
        "bureau": bureau,
        "east": east,
        "chain": chain,
        "up": up,
        "mid": mid,
        "devices": devices,
        "sub": sub,
        "down": down,
        "staff": factories.user("staff", department=east),
        "other": factories.user("staff"),
    }


def _strengths(w):
    return strength.strengths(w["chain"].segments)


# --- strength -------------------------------------------------------------------------


def test_a_segment_with_nothing_signed_and_no_local_company_is_a_gap(world):
    fc.placed(world["mid"], fp.project(stage=Stage.ATTRACTING))  # 在谈 only: still a gap
    fc.target(world["chain"], "某药业集团", world["mid"])
    found = _strengths(world)
    assert found[world["up"].id] == strength.GAP
    assert found[world["mid"].id] == strength.GAP
    counts = strength.segment_counts([world["mid"].id])[world["mid"].id]
    assert (counts.projects, counts.negotiating, counts.signed, counts.targets) == (1, 1, 0, 1)


def test_weak_and_strong_follow_the_thresholds(world):
    fc.local(world["up"], fl.company("甲原料药有限公司"))
    for n in range(2):
        fc.local(world["mid"], fl.company(f"制剂{n}有限公司"))
    fc.placed(world["mid"], fp.project(stage=Stage.SIGNED))
    fc.local(world["down"], fl.company("龙头医药流通有限公司"), master=True)
    found = _strengths(world)
    assert found[world["up"].id] == strength.WEAK  # one local company
    assert found[world["mid"].id] == strength.STRONG  # 2 local + 1 signed = STRONG_AT
    assert found[world["down"].id] == strength.STRONG  # a 链主企业 alone


def test_a_project_signed_by_agreement_fills_the_segment_and_an_exited_one_does_not(world):
    signed = fp.project(stage=Stage.ATTRACTING)
    fp.agreement(signed, signed_on=TODAY - dt.timedelta(days=3))
    fc.placed(world["up"], signed)
    fc.placed(world["down"], fp.project(stage=Stage.EXITED, signed_on=TODAY - dt.timedelta(days=30)))
    found = _strengths(world)
    assert found[world["up"].id] == strength.WEAK
    assert found[world["down"].id] == strength.GAP


def test_a_parent_segment_counts_its_sub_segments(world):
    fc.local(world["sub"], fl.company("耗材一有限公司"))
    found = _strengths(world)
    assert found[world["sub"].id] == strength.WEAK
    assert found[world["devices"].id] == strength.WEAK


def test_gaps_closed_this_year_count_what_filled_them_since_new_year(world):
    fc.local(world["up"], fl.company("老牌原料药有限公司"), placed_on=dt.date(2025, 5, 1))
    fc.local(world["mid"], fl.company("新来制剂有限公司"), placed_on=dt.date(2026, 3, 1))
    project = fp.project(stage=Stage.SIGNED, signed_on=dt.date(2026, 4, 2))
    fc.placed(world["down"], project)
    closed = strength.gaps_closed(world["chain"].segments, 2026, TODAY)
    assert {s.id for s in closed} == {world["mid"].id, world["down"].id}


# --- target → lead --------------------------------------------------------------------


def test_a_target_becomes_a_lead_that_remembers_its_chain_and_target(world):
    target = fc.target(world["chain"], "恒瑞医药股份有限公司", world["mid"], region="江苏连云港")
    lead = services.target_to_lead(target, world["staff"])
    db.session.commit()
    assert (lead.chain_id, lead.target_id) == (world["chain"].id, target.id)
    assert lead.owner_department_id == world["east"].id and lead.owner_user_id == world["staff"].id
    assert lead.company.name == "恒瑞医药股份有限公司" and lead.source.name == "产业链招商"
    assert target.company_id == lead.company_id and target.status is TargetStatus.FOLLOWING
    assert db.session.scalar(
        sa.select(AuditLog.id).where(AuditLog.entity == "target_company", AuditLog.action == "to_lead")
    )
    # An ordinary edit of the lead keeps the link (the form does not carry it).
    data = {**edit_data(lead), "title": "改过的意向"}
    data.pop("chain_id"), data.pop("target_id")
    update_lead(lead, data, world["staff"], version=lead.version)
    assert (lead.chain_id, lead.target_id) == (world["chain"].id, target.id)


def test_a_target_on_a_company_another_department_follows_warns_of_the_conflict(world):
    company = fl.company("药明康德新药开发有限公司")
    holder = factories.department("西城街道")
    fl.lead(company=company, department=holder, received_on=dt.date(2026, 2, 1))
    target = fc.target(world["chain"], "药明康德新药开发有限公司", world["up"])
    assert target.company_id == company.id  # linked to the company on file by its name
    db.session.commit()
    with pytest.raises(DuplicateWarning) as warned:
        services.target_to_lead(target, world["staff"])
    assert warned.value.kind == "confirm"
    assert [f.department_name for f in warned.value.followers[company.id]] == ["西城街道"]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Lead.id)).where(Lead.target_id == target.id)) == 0
    lead = services.target_to_lead(target, world["staff"], confirm_duplicate=True)
    db.session.commit()
    assert lead.has_conflict and lead.target_id == target.id
    assert db.session.scalar(sa.select(CompanyConflict.id).where(CompanyConflict.lead_id == lead.id))


def test_a_lead_cannot_name_a_target_of_another_chain(world):
    other = fc.chain(name="智能制造")
    target = fc.target(world["chain"], "某器械有限公司", world["sub"])
    data = services.lead_data(target, world["staff"], {"chain_id": other.id})
    with pytest.raises(LeadError) as refused:
        create_lead(data, world["staff"])
    assert refused.value.field == "chain_id"


def test_each_target_shows_who_has_contacted_its_company(world):
    followed = fl.company("华润医药商业集团有限公司")
    lead = fl.lead(company=followed, department=world["east"], received_on=dt.date(2026, 3, 3))
    fl.visit(lead, visited_on=dt.date(2026, 5, 20))
    contacted = fc.target(world["chain"], "华润医药商业集团有限公司", world["down"])
    untouched = fc.target(world["chain"], "远方生物科技有限公司", world["down"])
    contact = queries.contacts([contacted, untouched])
    assert contact[contacted.id].leads == 1
    assert contact[contacted.id].last_visit_on == dt.date(2026, 5, 20)
    assert contact[contacted.id].first_department == "东城街道"
    assert contact.get(untouched.id) is None


def test_segments_and_targets_are_checked(world):
    other = fc.chain(name="智能制造")
    foreign = fc.segment(other, "工业机器人")
    with pytest.raises(ChainError) as refused:
        fc.target(world["chain"], "某机器人公司", foreign)
    assert refused.value.field == "segment_id"
    with pytest.raises(ChainError):
        services.update_segment(
            world["devices"],
            {"name": "医疗器械", "stage": "midstream", "parent_id": world["sub"].id},
            factories.user("admin"),
        )
    with pytest.raises(ChainError) as named:
        fc.segment(world["chain"], "制剂")
    assert named.value.field == "name"
