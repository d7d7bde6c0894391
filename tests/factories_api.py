"""Helpers for the API tests: a bearer header for a user (a real token,
issued as sign-in issues it) and a district of two departments with a
record of every kind in each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from app.api.tokens import issue_token
from app.db import db
from app.models import (
    Agreement,
    ApprovalItem,
    DataScope,
    Department,
    Lead,
    LeadStatus,
    Problem,
    ProblemStatus,
    Project,
    Role,
    Stage,
    User,
)
from tests import factories
from tests import factories_approvals as fa
from tests import factories_leads as fl
from tests import factories_projects as fp


def bearer(user: User) -> dict[str, str]:
    token, _row = issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Side:
    """One department's people and records."""

    department: Department
    staff: User
    lead: Lead
    project: Project
    problem: Problem
    agreement: Agreement
    # Addressed to the department itself (it approves its own project's item).
    approval: ApprovalItem


def side(name: str, leader: User) -> Side:
    department = factories.department(name)
    staff = factories.user(Role.STAFF, department=department, scope=DataScope.DEPARTMENT)
    lead = fl.lead(department=department, owner=staff, status=LeadStatus.CONTACTED, received_on=dt.date(2026, 1, 5))
    fl.visit(lead, by=staff, visited_on=dt.date(2026, 1, 8))
    project = fp.project(
        name=f"{name}智能装备项目", stage=Stage.ATTRACTING, is_key=False, department=department, leader=leader
    )
    fp.progress(project, on=dt.date(2026, 2, 1), author=staff)
    problem = fp.problem(project, status=ProblemStatus.REPORTED, raised_by=staff)
    agreement = fp.agreement(project, signed_on=dt.date(2026, 2, 10), amount=Decimal("12000"))
    approval = fa.item(project, staff, department, due_on=dt.date(2026, 3, 31))
    return Side(department, staff, lead, project, problem, agreement, approval)


@dataclass
class TwoSides:
    admin: User
    leader: User
    viewer: User
    a: Side
    b: Side


def two_sides() -> TwoSides:
    admin = factories.user(Role.ADMIN)
    leader = factories.user(Role.LEADER, name="王副区长", title="副区长")
    viewer = factories.user(Role.VIEWER)
    world = TwoSides(admin, leader, viewer, side("白沙镇", leader), side("临港镇", leader))
    db.session.commit()
    return world
