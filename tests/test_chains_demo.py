"""`flask seed-demo`'s 产业链 step: two realistic chains with a 链长 and a
lead department, segments as a tree with gaps, local companies (链主企业
among them), placed projects, targets — one already a lead of the 东城街道,
remembering its chain and target — and gaps closed this year; twice adds
nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.chains import strength
from app.db import db
from app.demo import DemoContext
from app.demo import chains as demo_chains
from app.demo import leads as demo_leads
from app.demo import org as demo_org
from app.demo import projects as demo_projects
from app.models import Chain, Lead, SegmentProject, TargetCompany


def _seed(today):
    ctx = DemoContext(today=today)
    demo_org.seed(ctx)
    demo_leads.seed(ctx)
    demo_projects.seed(ctx)
    return demo_chains.seed(ctx)


def test_two_chains_with_gaps_targets_and_a_target_already_a_lead():
    today = clock.today()
    assert "产业链：2 条" in _seed(today)
    db.session.commit()
    chains = db.session.scalars(sa.select(Chain).order_by(Chain.sort_order)).all()
    assert [c.name for c in chains] == ["生物医药", "智能制造"]
    assert all(c.chain_leader_id and c.department_id for c in chains)
    for chain in chains:
        found = strength.strengths(chain.segments)
        by_name = {s.name: found[s.id] for s in chain.segments}
        assert strength.GAP in by_name.values() and strength.STRONG in by_name.values()
        assert (
            db.session.scalar(sa.select(sa.func.count(TargetCompany.id)).where(TargetCompany.chain_id == chain.id)) == 6
        )
    biomed = chains[0]
    assert {s.name for s in biomed.segments if strength.strengths(biomed.segments)[s.id] == strength.GAP} == {
        "原料药",
        "生物药",
    }
    assert db.session.scalar(sa.select(sa.func.count(SegmentProject.id))) >= 1
    lead = db.session.scalar(sa.select(Lead).where(Lead.target_id.is_not(None)))
    assert lead.chain_id == chains[1].id and lead.owner_department.name == "东城街道"
    assert strength.gaps_closed(biomed.segments, today.year, today)  # 医疗器械 filled this January
    again = demo_chains.seed(DemoContext(today=today))
    assert "产业链：0 条" in again
