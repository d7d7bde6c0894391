"""A small district with known numbers for the report tests (first half of
2025). Leads, visits and agreements are plain rows with the dates the
features maintain; projects go through the projects service so their stage
history and first-reached dates are real.

Expected figures are worked out by hand in tests/test_reports.py; the shape:

leads (received, dept, industry, source, intended 万元, contacted / negotiating / converted)
  L1 2025-01-10 A 智能制造 外出招商 12345  01-15 / 02-01 / 03-01 → P1
  L2 2025-02-05 A 智能制造 以商招商 12350  02-10 / 03-05 / 04-01 → P2
  L3 2025-03-01 B 现代物流 外出招商  5000  03-10
  L4 2025-04-01 B 现代物流 外出招商     —
  L5 2025-05-01 A 现代物流 以商招商  2000  05-10 /   —   / 05-20 → P3 (converted straight after contact)
  L6 2024-12-20 A 智能制造 外出招商  3000  2025-01-05 / 01-20       (received before the period)
  L7 2025-07-15 B 现代物流 外出招商  4000                             (after the period)
  L8 2025-06-01 B 现代物流 以商招商  1000  06-05, then shelved
projects (dept, planned, stages)
  P1 ← L1 A  15000  attracting 03-01, signed 03-20, construction 06-01; key, overdue milestone
                    agreements: framework 03-20 10000, investment 05-10 12000
  P2 ← L2 A  10000  attracting 04-01, signed 07-05; investment 07-05 8000, capital increase 08-01 +1000
  P3 ← L5 A   3000  attracting 05-20
  P4   —  B   5000  planning 2025-01-02, signed 02-01 (no agreement), production 06-15; key, complete 五个一
  P5   —  B  20000  planning
  P6   —  A   1000  planning, exited
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import (
    Agreement,
    AgreementKind,
    Company,
    Department,
    Funding,
    Lead,
    LeadStatus,
    LeadStatusChange,
    Milestone,
    Problem,
    ProblemStatus,
    Project,
    RefKind,
    Role,
    Stage,
    User,
    Visit,
    company_tier,
    project_team,
    visit_participant,
)
from app.projects.services import create_project, move_stage
from tests import factories

_seq = itertools.count(1)
D = dt.date


def company(name: str, tiers: tuple[str, ...] = ()) -> Company:
    created = Company(name=name, normalized_name=f"{name}{next(_seq)}", search_text=name)
    db.session.add(created)
    db.session.flush()
    for tier in tiers:
        db.session.execute(company_tier.insert().values(company_id=created.id, tier_id=ref_id(RefKind.TIER, tier)))
    return created


def lead(
    title: str,
    dept: Department,
    received: dt.date,
    *,
    industry: str = "智能制造",
    source: str = "外出招商",
    amount: Any = None,
    contacted: dt.date | None = None,
    negotiating: dt.date | None = None,
    converted: dt.date | None = None,
    status: LeadStatus | None = None,
    owner: User | None = None,
    of: Company | None = None,
) -> Lead:
    if status is None:
        status = (
            LeadStatus.CONVERTED
            if converted
            else LeadStatus.NEGOTIATING
            if negotiating
            else LeadStatus.CONTACTED
            if contacted
            else LeadStatus.NEW
        )
    created = Lead(
        company_id=(of or company(f"{title}公司")).id,
        title=title,
        source_id=ref_id(RefKind.SOURCE, source),
        industry_id=ref_id(RefKind.INDUSTRY, industry),
        intended_investment=Decimal(amount) if amount is not None else None,
        owner_department_id=dept.id,
        owner_user_id=owner.id if owner else None,
        received_on=received,
        status=status,
        contacted_on=contacted,
        negotiating_on=negotiating,
        converted_on=converted,
    )
    db.session.add(created)
    db.session.flush()
    # Status history with the business dates, for the speed report.
    steps = [(None, LeadStatus.NEW, received)]
    for day, to in (
        (contacted, LeadStatus.CONTACTED),
        (negotiating, LeadStatus.NEGOTIATING),
        (converted, LeadStatus.CONVERTED),
    ):
        if day is not None:
            steps.append((steps[-1][1], to, day))
    if status is LeadStatus.SHELVED:
        steps.append((steps[-1][1], LeadStatus.SHELVED, (contacted or received) + dt.timedelta(days=3)))
    for before, to, day in steps:
        db.session.add(
            LeadStatusChange(
                lead_id=created.id, from_status=before, to_status=to, changed_at=dt.datetime.combine(day, dt.time(9))
            )
        )
    return created


def visit(
    on: dt.date,
    dept: Department,
    kind: str,
    *,
    lead_: Lead | None = None,
    project: Project | None = None,
    people: tuple[User, ...] = (),
    author: User | None = None,
    leader: User | None = None,
) -> Visit:
    created = Visit(
        lead_id=lead_.id if lead_ else None,
        project_id=project.id if project else None,
        department_id=dept.id,
        visited_on=on,
        kind_id=ref_id(RefKind.VISIT_KIND, kind),
        summary="洽谈投资意向",
        created_by_id=author.id if author else None,
        leader_present_id=leader.id if leader else None,
    )
    db.session.add(created)
    db.session.flush()
    for person in people:
        db.session.execute(visit_participant.insert().values(visit_id=created.id, user_id=person.id))
    return created


def agreement(project: Project, kind: AgreementKind, on: dt.date, amount: str, *, increase: bool = False) -> Agreement:
    created = Agreement(
        project_id=project.id, kind=kind, signed_on=on, agreed_investment=Decimal(amount), is_capital_increase=increase
    )
    db.session.add(created)
    db.session.flush()
    return created


def project(
    name: str,
    dept: Department,
    planned: str,
    actor: User,
    moves: list[tuple[Stage, dt.date]],
    *,
    origin: Lead | None = None,
    industry: str = "智能制造",
    of: Company | None = None,
    **fields: Any,
) -> Project:
    first_stage, first_on = moves[0]
    plan_text = fields.pop("plan_text", None)
    data = {
        "name": name,
        "planned_investment": Decimal(planned),
        "lead_department_id": dept.id,
        "industry_id": ref_id(RefKind.INDUSTRY, industry),
        "company_id": (of or (origin.company if origin else company(f"{name}公司"))).id,
        **fields,
    }
    created = create_project(data, actor, stage=first_stage, on=first_on, lead_id=origin.id if origin else None)
    created.plan_text = plan_text
    db.session.flush()
    for stage, on in moves[1:]:
        kwargs: dict[str, Any] = {"note": "测试推进"}
        if stage is Stage.EXITED:
            kwargs["reason_id"] = ref_id(RefKind.REASON, "选址他处")
        move_stage(created, stage, actor, on=on, **kwargs)
        db.session.flush()
    return created


@dataclass
class District:
    a: Department
    b: Department
    admin: User
    leader: User
    staff_a: User
    staff_a2: User
    staff_b: User
    leads: dict[str, Lead] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)


def district(today: dt.date | None = None, suffix: str = "") -> District:
    """The district of the module docstring, committed (`suffix` makes a
    second copy with departments of other names)."""
    today = today or clock.today()
    a = factories.department(f"东城街道{suffix}")
    b = factories.department(f"西城街道{suffix}")
    admin = factories.user("admin")
    leader = factories.user("leader", name="王建国", title="常务副区长")
    staff_a = factories.user("staff", department=a, name="张三")
    staff_a2 = factories.user("staff", department=a, name="李四")
    staff_b = factories.user("staff", department=b, name="王五")
    d = District(a, b, admin, leader, staff_a, staff_a2, staff_b)

    L = d.leads  # noqa: N806
    L["L1"] = lead(
        "L1",
        a,
        D(2025, 1, 10),
        amount=12345,
        contacted=D(2025, 1, 15),
        negotiating=D(2025, 2, 1),
        converted=D(2025, 3, 1),
        owner=staff_a,
    )
    L["L2"] = lead(
        "L2",
        a,
        D(2025, 2, 5),
        source="以商招商",
        amount=12350,
        contacted=D(2025, 2, 10),
        negotiating=D(2025, 3, 5),
        converted=D(2025, 4, 1),
        owner=staff_a,
    )
    L["L3"] = lead("L3", b, D(2025, 3, 1), industry="现代物流", amount=5000, contacted=D(2025, 3, 10), owner=staff_b)
    L["L4"] = lead("L4", b, D(2025, 4, 1), industry="现代物流", owner=staff_b)
    L["L5"] = lead(
        "L5",
        a,
        D(2025, 5, 1),
        industry="现代物流",
        source="以商招商",
        amount=2000,
        contacted=D(2025, 5, 10),
        converted=D(2025, 5, 20),
        owner=staff_a2,
    )
    L["L6"] = lead("L6", a, D(2024, 12, 20), amount=3000, contacted=D(2025, 1, 5), negotiating=D(2025, 1, 20))
    L["L7"] = lead("L7", b, D(2025, 7, 15), industry="现代物流", amount=4000)
    L["L8"] = lead(
        "L8",
        b,
        D(2025, 6, 1),
        industry="现代物流",
        source="以商招商",
        amount=1000,
        contacted=D(2025, 6, 5),
        status=LeadStatus.SHELVED,
    )

    P = d.projects  # noqa: N806
    world500 = company("环球五百强物流", tiers=("世界500强",))
    P["P1"] = project(
        "P1",
        a,
        "15000",
        admin,
        [
            (Stage.ATTRACTING, D(2025, 3, 1)),
            (Stage.SIGNED, D(2025, 3, 20)),
            (Stage.LANDED, D(2025, 5, 1)),
            (Stage.CONSTRUCTION, D(2025, 6, 1)),
        ],
        origin=L["L1"],
        is_key=True,
        responsible_leader_id=leader.id,
    )
    agreement(P["P1"], AgreementKind.FRAMEWORK, D(2025, 3, 20), "10000")
    agreement(P["P1"], AgreementKind.INVESTMENT, D(2025, 5, 10), "12000")
    P["P2"] = project(
        "P2", a, "10000", admin, [(Stage.ATTRACTING, D(2025, 4, 1)), (Stage.SIGNED, D(2025, 7, 5))], origin=L["L2"]
    )
    agreement(P["P2"], AgreementKind.INVESTMENT, D(2025, 7, 5), "8000")
    agreement(P["P2"], AgreementKind.SUPPLEMENTARY, D(2025, 8, 1), "1000", increase=True)
    P["P3"] = project("P3", a, "3000", admin, [(Stage.ATTRACTING, D(2025, 5, 20))], origin=L["L5"], industry="现代物流")
    P["P4"] = project(
        "P4",
        b,
        "5000",
        admin,
        [(Stage.PLANNING, D(2025, 1, 2)), (Stage.SIGNED, D(2025, 2, 1)), (Stage.PRODUCTION, D(2025, 6, 15))],
        industry="现代物流",
        of=world500,
        is_key=True,
        responsible_leader_id=leader.id,
        plan_text="三年达产方案",
    )
    P["P5"] = project("P5", b, "20000", admin, [(Stage.PLANNING, D(2025, 2, 1))], industry="现代物流")
    P["P6"] = project("P6", a, "1000", admin, [(Stage.PLANNING, D(2025, 1, 3)), (Stage.EXITED, D(2025, 4, 1))])

    # 五个一 of P4: team and a milestone (done); P1 misses its team and has an overdue milestone.
    db.session.execute(project_team.insert().values(project_id=P["P4"].id, user_id=staff_b.id))
    db.session.add(Milestone(project_id=P["P4"].id, name="竣工投产", due_on=D(2025, 6, 1), done_on=D(2025, 6, 10)))
    db.session.add(Milestone(project_id=P["P1"].id, name="土地挂牌", due_on=today - dt.timedelta(days=12)))
    P["P1"].last_progress_on = today - dt.timedelta(days=2)
    P["P4"].last_progress_on = today - dt.timedelta(days=2)
    # A problem on P1, assigned to B, 10 days past its deadline: 黄色督办.
    db.session.add(
        Problem(
            project_id=P["P1"].id,
            description="用地指标不足",
            raised_on=today - dt.timedelta(days=30),
            responsible_department_id=b.id,
            deadline=today - dt.timedelta(days=10),
            status=ProblemStatus.ASSIGNED,
            category_id=ref_id(RefKind.PROBLEM_CATEGORY, "土地"),
        )
    )

    visit(D(2025, 1, 15), a, "外出拜访", lead_=L["L1"], people=(staff_a,))
    visit(D(2025, 2, 1), a, "洽谈会", lead_=L["L1"], people=(staff_a, staff_a2))
    visit(D(2025, 3, 10), b, "电话沟通", lead_=L["L3"], author=staff_b)
    visit(D(2025, 3, 1), b, "实地考察", project=P["P4"], people=(staff_b,), leader=leader)
    visit(D(2024, 12, 25), a, "外出拜访", lead_=L["L6"], people=(staff_a,))

    db.session.add(Funding(project_id=P["P1"].id, month=D(2025, 4, 1), amount=Decimal("3000")))
    db.session.add(Funding(project_id=P["P1"].id, month=D(2025, 6, 1), amount=Decimal("2000")))
    db.session.add(Funding(project_id=P["P4"].id, month=D(2025, 3, 1), amount=Decimal("1500")))
    db.session.commit()
    return d


def user_count(role: Role) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == role)) or 0
