"""Property-based fuzz run over the API: schemathesis reads
/api/v1/openapi.json and sends every operation generated requests — valid
ones and deliberately invalid ones — in-process through WSGI, signed in
with a real bearer token, against a small district of records. No input
may produce a server error; every answer must have a documented status, a
JSON content type and a body matching the documented schema, and invalid
input must be refused.

Valid requests are steered towards records that exist (ids in the path and
in bodies drawn mostly from the seeded records), so the fuzz reaches the
services instead of stopping at 404 and "no such department".

It runs as an admin (every write, valid and invalid requests) and as a
staff member (the scope rules, valid requests). The number of examples per
operation and mode is bounded (API_FUZZ_EXAMPLES, default 30; half that
for the staff member) so the run stays within a few minutes on two cores;
set it higher for a deeper run."""

from __future__ import annotations

import contextvars
import datetime as dt
import os
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.activities import services as activity_services
from app.api.tokens import issue_token
from app.db import db
from app.lookups import ref_id
from app.models import (
    Activity,
    Agreement,
    ApprovalItem,
    Company,
    DataScope,
    Department,
    Lead,
    LeadStatus,
    Problem,
    ProblemStatus,
    Project,
    RefItem,
    RefKind,
    Role,
    Stage,
    User,
)
from tests import factories
from tests import factories_approvals as fa
from tests import factories_leads as fl
from tests import factories_projects as fp

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def district() -> dict[str, int]:
    """Departments, people and a few records of every kind (small ids);
    returns the ids of the actors: an admin and a staff member of 白沙镇."""
    admin = factories.user("admin", username="fuzz.admin")
    town, zone = factories.department("白沙镇"), factories.department("高新区管委会")
    staff = factories.user("staff", department=town, scope=DataScope.DEPARTMENT)
    leader = factories.user("leader", name="王副区长", title="副区长")
    factories.user("viewer")
    for status in (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING, LeadStatus.SHELVED):
        lead = fl.lead(department=town, owner=staff, status=status, received_on=dt.date(2026, 1, 10))
        fl.visit(lead, by=staff, visited_on=dt.date(2026, 1, 12))
    fl.lead(department=zone, status=LeadStatus.NEW)
    for stage in (Stage.PLANNING, Stage.ATTRACTING, Stage.SIGNED, Stage.CONSTRUCTION):
        project = fp.project(stage=stage, department=town, leader=leader, team=[staff], is_key=stage is Stage.SIGNED)
        fp.progress(project, on=dt.date(2026, 2, 1), author=staff)
        fp.problem(project, status=ProblemStatus.ASSIGNED, department=zone, deadline=dt.date(2026, 3, 1))
        fp.agreement(project, signed_on=dt.date(2026, 2, 15), amount=Decimal("25000"))
        fa.item(project, admin, zone, due_on=dt.date(2026, 4, 30), submitted_on=dt.date(2026, 2, 1))
    fp.project(stage=Stage.ATTRACTING, department=zone, is_key=False)
    trip = {
        "kind_id": ref_id(RefKind.ACTIVITY_KIND, "外出招商"),
        "start_on": dt.date(2026, 1, 10),
        "end_on": dt.date(2026, 1, 14),
        "regions": "上海、苏州",
        "leader_ids": [leader.id],
        "participant_ids": [staff.id],
    }
    activity_services.create_activity({**trip, "title": "赴上海苏州招商", "department_id": town.id}, staff)
    activity_services.create_activity({**trip, "title": "开发区赴深圳招商", "department_id": zone.id}, admin)
    db.session.commit()
    return {"admin": admin.id, "staff": staff.id}


def _ids(model: Any, *conditions: Any) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)))


def _existing_ids() -> dict[str, list[int]]:
    """Field name → ids of records such a field may name."""

    def refs(kind: RefKind) -> list[int]:
        return _ids(RefItem, RefItem.kind == kind)

    departments = _ids(Department)
    users = _ids(User)
    leaders = _ids(User, User.role == Role.LEADER)
    staff = _ids(User, User.role == Role.STAFF)
    projects = _ids(Project)
    return {
        "lead_id": _ids(Lead),
        "project_id": projects,
        "problem_id": _ids(Problem),
        "agreement_id": _ids(Agreement),
        "approval_id": _ids(ApprovalItem),
        "activity_id": _ids(Activity),
        "item_type_id": refs(RefKind.APPROVAL_TYPE),
        "company_id": _ids(Company),
        "department_id": departments,
        "owner_department_id": departments,
        "lead_department_id": departments,
        "parent_id": departments,
        "user_id": users,
        "owner_user_id": staff,
        "owner_id": staff,
        "participant_ids": users,
        "leader_ids": users,
        "team_ids": staff,
        "responsible_leader_id": leaders,
        "leader_present_id": leaders,
        "leader_id": leaders,
        "source_id": refs(RefKind.SOURCE),
        "industry_id": refs(RefKind.INDUSTRY),
        "tier_id": refs(RefKind.TIER),
        "tier_ids": refs(RefKind.TIER),
        "kind_id": refs(RefKind.VISIT_KIND),
        "reason_id": refs(RefKind.REASON),
        "category_id": refs(RefKind.PROBLEM_CATEGORY),
        "version": [1, 2, 3],
    }


def _steer(case: Any, data: Any, ids: dict[str, list[int]]) -> None:
    """Point most ids of a valid request at existing records."""
    for name in list(case.path_parameters or {}):
        if ids.get(name) and data.draw(st.integers(0, 9)) < 8:
            case.path_parameters[name] = data.draw(st.sampled_from(ids[name]))
    if not isinstance(case.body, dict):
        return
    for name, value in list(case.body.items()):
        choices = ids.get(name)
        if not choices or data.draw(st.integers(0, 9)) >= 8:
            continue
        if isinstance(value, list):
            case.body[name] = data.draw(st.lists(st.sampled_from(choices), max_size=3, unique=True))
        elif isinstance(value, int) and not isinstance(value, bool):
            case.body[name] = data.draw(st.sampled_from(choices))


# The admin reaches every write; a staff member the scope rules (valid
# requests only, fewer examples, to keep the run short).
ACTORS = {
    "admin": (Role.ADMIN, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE), EXAMPLES),
    "staff": (Role.STAFF, (GenerationMode.POSITIVE,), max(5, EXAMPLES // 2)),
}


@pytest.mark.parametrize("actor", list(ACTORS))
def test_no_input_makes_the_api_fail(app, district, subtests, actor):
    role, modes, examples = ACTORS[actor]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The token is ours to send (a fresh one per example), not generated.
    schema.config.generation.update(with_security_parameters=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40  # every API route is in the document
    ids = _existing_ids()
    for operation in operations:
        for mode in modes:
            with subtests.test(msg=f"{actor}: {operation.label} [{mode.value}]"):
                try:
                    _fuzz(operation, mode, examples, district[actor], role, ids)
                except Unsatisfiable:
                    # Nothing to make invalid (no parameters, no body).
                    assert mode is GenerationMode.NEGATIVE


def _fuzz(
    operation: Any, mode: GenerationMode, examples: int, user_id: int, role: Role, ids: dict[str, list[int]]
) -> None:
    @given(case=operation.as_strategy(mode), data=st.data())
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, data: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            _steer(case, data, ids)
        user = db.session.get(User, user_id)
        # The run must not lock its own actor out (admins cannot demote or
        # deactivate themselves; a staff member's account is admin's).
        assert user.role is role and user.active
        # A fresh token per example: the run itself revokes tokens.
        token, _row = issue_token(user, "fuzz")
        db.session.commit()
        # Each request in a context of its own, as in production (its own
        # app context, `g` and database session), like the test client's.
        contextvars.Context().run(case.call_and_validate, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()
