"""Helpers for the browser journeys: a console watch (script errors, CSP
violations, failed requests), and the earlier journeys' outcomes arranged
through the services, inside the live app, so each journey can start where
the previous one ended without depending on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app import clock
from tests.browser.conftest import LiveServer

# --- the console ----------------------------------------------------------------------


class Console:
    """Everything a page says went wrong: console errors (a CSP violation is
    one), uncaught exceptions, and any request answered 4xx/5xx or failed.
    `expect(url)` marks one URL whose 4xx answer is the point of the test."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        self.expected: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))
        page.on("response", self._response)
        page.on("requestfailed", self._failed)

    def expect(self, url: str) -> None:
        self.expected.add(url)

    def _console(self, message: Any) -> None:
        # "Failed to load resource" repeats a bad response, which
        # `_response` reports with its URL (or lets pass when expected).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.url not in self.expected:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def _failed(self, request: Any) -> None:
        failure = request.failure or ""
        # A download ends its navigation with ERR_ABORTED: not a failure.
        if "ERR_ABORTED" not in failure:
            self.problems.append(f"failed {request.url}: {failure}")

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


# --- the live app's database --------------------------------------------------------------


@contextmanager
def app_session(server: LiveServer) -> Iterator[Any]:
    """The live app's session, committed at the end (as a request would)."""
    from app.db import db

    with server.app.app_context():
        try:
            yield db.session
            db.session.commit()
        finally:
            db.session.remove()


def _user(session: Any, username: str) -> Any:
    from app.models import User

    return session.scalar(sa.select(User).where(User.username == username))


def _display(user: Any) -> str:
    """A user as the selects of the five-ones and convert forms show them."""
    return f"{user.name}（{user.title}）" if user.title else user.name


def company_followed_elsewhere(server: LiveServer, username: str = "staff") -> tuple[str, str]:
    """(company, department): a company first reported by another
    department that alone follows it, which the user's department does not."""
    from app.models import Company, Department, Lead

    with app_session(server) as session:
        own = _user(session, username).department_id
        other_owner = sa.select(Lead.id).where(
            Lead.company_id == Company.id,
            Lead.archived_at.is_(None),
            Lead.owner_department_id != Company.first_department_id,
        )
        row = session.execute(
            sa.select(Company.name, Department.name)
            .join(Department, Department.id == Company.first_department_id)
            .where(
                Company.first_department_id != own,
                Company.archived_at.is_(None),
                sa.select(Lead.id).where(Lead.company_id == Company.id, Lead.archived_at.is_(None)).exists(),
                ~other_owner.exists(),
            )
            .order_by(Company.id)
        ).first()
        assert row is not None, "the demo district has no company followed by one other department"
        return row[0], row[1]


@dataclass
class ArrangedLead:
    id: int
    company: str
    department: str
    leader_name: str
    leader_label: str
    team_labels: list[str] = field(default_factory=list)


def arrange_lead_with_visit(server: LiveServer) -> ArrangedLead:
    """Journey 1's outcome: the staff member's lead on a company another
    department follows (撞单 confirmed), with a first visit."""
    from app.leads import services, visits
    from app.models import Company, Role, User

    company_name, _department = company_followed_elsewhere(server)
    today = clock.today()
    with app_session(server) as session:
        staff = _user(session, "staff")
        leader = _user(session, "leader")
        company = session.scalar(sa.select(Company).where(Company.name == company_name))
        lead = services.create_lead(
            {
                "company_id": company.id,
                "company_name": company.name,
                "title": "拟设立华中区域软件研发中心",
                "intended_investment": "8000",
                "owner_department_id": staff.department_id,
                "owner_user_id": staff.id,
                "received_on": today,
            },
            staff,
            confirm_duplicate=True,
        )
        visits.log_visit(
            {
                "visited_on": today,
                "summary": "企业副总裁来访，介绍研发中心选址需求。",
                "next_step": "陪同考察软件园楼宇",
                "follow_up_on": today,
                "participant_ids": [staff.id],
            },
            staff,
            lead=lead,
        )
        colleague = session.scalar(
            sa.select(User)
            .where(User.department_id == staff.department_id, User.role == Role.STAFF, User.id != staff.id)
            .order_by(User.id)
        )
        return ArrangedLead(
            id=lead.id,
            company=company.name,
            department=staff.department.name,
            leader_name=leader.name,
            leader_label=_display(leader),
            team_labels=[_display(staff), _display(colleague)],
        )


@dataclass
class ArrangedProject:
    id: int
    name: str
    company: str
    department: str
    leader_name: str


def arrange_key_project(server: LiveServer) -> ArrangedProject:
    """Journey 2's outcome: the lead converted by admin into a key project
    with leader, lead department, team, plan and two milestones."""
    from app.leads import pipeline
    from app.models import Lead
    from app.projects import assignment, follow_through

    lead_info = arrange_lead_with_visit(server)
    today = clock.today()
    with app_session(server) as session:
        admin = _user(session, "admin")
        leader = _user(session, "leader")
        staff = _user(session, "staff")
        lead = session.get(Lead, lead_info.id)
        project = pipeline.convert_lead(
            lead,
            admin,
            {
                "is_key": True,
                "responsible_leader_id": leader.id,
                "lead_department_id": staff.department_id,
            },
        )
        session.flush()
        assignment.assign_five_ones(
            project,
            {
                "responsible_leader_id": leader.id,
                "lead_department_id": staff.department_id,
                "team_ids": [staff.id],
                "plan_text": "一月内完成选址，三月内签订投资协议，年内开工。",
            },
            admin,
            version=project.version,
        )
        follow_through.add_milestone(project, "完成项目选址", today + dt.timedelta(days=30), admin)
        follow_through.add_milestone(project, "签订投资协议", today + dt.timedelta(days=90), admin)
        return ArrangedProject(
            id=project.id,
            name=project.name,
            company=lead_info.company,
            department=lead_info.department,
            leader_name=leader.name,
        )


def project_state(server: LiveServer, project_id: int) -> dict[str, Any]:
    """What the database holds for a project after a journey."""
    from app.models import Milestone, Project
    from app.projects.five_ones import checklist

    with app_session(server) as session:
        project = session.get(Project, project_id)
        return {
            "is_key": project.is_key,
            "stage": project.stage.value,
            "lead_id": project.lead_id,
            "five_ones_complete": checklist(project).complete,
            "milestones": session.scalar(
                sa.select(sa.func.count(Milestone.id)).where(Milestone.project_id == project_id)
            ),
        }


def staff_of_another_department(server: LiveServer, department: str) -> str:
    """The username of a staff member of a town other than `department`,
    whose data scope is their own department."""
    from app.models import DataScope, Department, DepartmentKind, Role, User

    with app_session(server) as session:
        username = session.scalar(
            sa.select(User.username)
            .join(Department, Department.id == User.department_id)
            .where(
                User.role == Role.STAFF,
                User.active.is_(True),
                User.scope == DataScope.DEPARTMENT,
                Department.kind == DepartmentKind.TOWN,
                Department.name != department,
            )
            .order_by(User.username)
        )
        assert username is not None
        return username


@dataclass
class ArrangedRecords:
    agreement_id: int
    problem_id: int


def arrange_agreement_and_problem(server: LiveServer, project_id: int) -> ArrangedRecords:
    """Journeys 3 and 4's records on the project: an investment agreement
    with its scan (the project moves to 签约) and a problem raised by staff."""
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from app import attachments
    from app.agreements import services as agreements
    from app.models import AgreementKind, Project, RefItem, RefKind
    from app.problems import services as problems

    with app_session(server) as session:
        staff = _user(session, "staff")
        project = session.get(Project, project_id)
        agreement = agreements.record_agreement(
            project,
            {
                "kind": AgreementKind.INVESTMENT,
                "signed_on": clock.today(),
                "agreed_investment": Decimal("12000"),
                "our_signatory": "王建国",
                "their_signatory": "企业董事长",
            },
            staff,
        )
        upload = FileStorage(BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="投资协议.pdf", content_type="application/pdf")
        attachments.store("agreement", agreement.id, upload, staff)
        category = session.scalar(
            sa.select(RefItem.id).where(RefItem.kind == RefKind.PROBLEM_CATEGORY, RefItem.name == "土地")
        )
        problem = problems.raise_problem(project, category, "意向地块尚未完成收储，需自然资源部门协调。", staff)
        return ArrangedRecords(agreement_id=agreement.id, problem_id=problem.id)
