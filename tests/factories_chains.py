"""Chains, segments, placements and target companies for tests, written
through the chain services (audited, checked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.chains import services
from app.db import db
from app.models import Chain, ChainSegment, Company, Department, Project, SegmentStage, TargetCompany, User
from tests import factories


def chain(
    actor: User | None = None, name: str = "生物医药", department: Department | None = None, **fields: Any
) -> Chain:
    actor = actor or factories.user("admin")
    data = {"name": name, "department_id": department.id if department else None, **fields}
    return services.create_chain(data, actor)


def segment(
    chain_: Chain,
    name: str,
    stage: SegmentStage = SegmentStage.MIDSTREAM,
    parent: ChainSegment | None = None,
    actor: User | None = None,
) -> ChainSegment:
    actor = actor or factories.user("admin")
    data = {"name": name, "stage": stage.value, "parent_id": parent.id if parent else None}
    return services.add_segment(chain_, data, actor)


def local(segment_: ChainSegment, company: Company, *, master: bool = False, placed_on: dt.date | None = None) -> None:
    services.place_company(segment_, company, factories.user("admin"), chain_master=master, placed_on=placed_on)


def placed(segment_: ChainSegment, project: Project) -> None:
    services.place_project(segment_, project, factories.user("admin"))


def target(
    chain_: Chain, name: str, segment_: ChainSegment | None = None, actor: User | None = None, **fields: Any
) -> TargetCompany:
    actor = actor or factories.user("admin")
    data = {"name": name, "chain_id": chain_.id, "segment_id": segment_.id if segment_ else None, **fields}
    record = services.create_target(data, actor)
    db.session.flush()
    return record


def trust_world(users: dict[str, User], department: Department) -> dict[str, int]:
    """The access matrix's chain: led by the assigned leader (链长), kept by
    `department` (the staff_own actor's), with a segment, a local company on
    it (the spare placement to remove) and a target assigned to `department`."""
    from tests import factories_leads

    admin = users["admin"]
    chain_ = services.create_chain(
        {"name": "矩阵产业链", "department_id": department.id, "chain_leader_id": users["leader_assigned"].id}, admin
    )
    segment_ = services.add_segment(chain_, {"name": "原料药", "stage": "upstream"}, admin)
    placement = services.place_company(segment_, factories_leads.company("矩阵本地企业有限公司"), admin)
    target_ = services.create_target(
        {
            "name": "矩阵目标企业有限公司",
            "chain_id": chain_.id,
            "segment_id": segment_.id,
            "department_id": department.id,
        },
        admin,
    )
    return {
        "chain": chain_.id,
        "chain_segment": segment_.id,
        "chain_target": target_.id,
        "chain_placement": placement.id,
    }
