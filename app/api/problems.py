"""Problems (问题直报 → 销号) over the API: the ledger, a project's problems,
raising one — on a project, or for a company alone (企业诉求: `company_id`
without `project_id`) — one problem and the steps of its life cycle, each
step under the same permission as its button on the problem page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from app import clock
from app.api import bp
from app.api.common import Version, check_choice, forbid_unless, saving
from app.api.core import ApiError, operation
from app.api.schemas import DateTimeOut, Day, Id, Page, PageQuery, Query, Strict
from app.db import db
from app.lookups import department_choices, ref_choices
from app.models import Company, Problem, ProblemStatus, Project, RefKind
from app.pagination import paginate
from app.permissions import (
    can_accept_problem,
    can_assign_problem,
    can_handle_problem,
    can_raise_problem,
    get_visible_or_404,
)
from app.permissions.problems import can_raise_company_problem
from app.problems import company_problems, services
from app.problems.ledger import ProblemFilters, ledger_statement
from app.problems.rules import Escalation, days_overdue, escalation_for_days
from app.reports.problems import build as problems_report_build

TAG = "问题"
Status = Literal["reported", "assigned", "in_progress", "answered", "closed"]


class ProblemQuery(PageQuery):
    category_id: Id | None = None
    department_id: Id | None = Field(None, description="责任部门")
    status: Status | None = None
    level: Literal["blue", "yellow", "red"] | None = Field(None, description="督办等级")
    overdue: bool = False
    open: bool = Field(False, description="只看未销号")
    project_id: Id | None = None
    leader_id: Id | None = Field(None, description="项目责任领导")
    company_id: Id | None = Field(None, description="企业（企业诉求）")
    subject: Literal["project", "company"] | None = Field(None, description="project 项目问题 / company 企业诉求")
    raised_from: Day | None = Field(None, description="上报日期起")
    raised_to: Day | None = Field(None, description="上报日期止")
    closed_from: Day | None = Field(None, description="销号日期起")
    closed_to: Day | None = Field(None, description="销号日期止")
    q: str | None = Field(None, max_length=50)


class ProjectProblemQuery(PageQuery):
    status: Status | None = None
    open: bool = False


class ProblemOut(BaseModel):
    id: int
    project_id: int | None = Field(description="项目（企业诉求为空）")
    company_id: int | None = Field(description="企业（仅企业诉求）")
    category_id: int | None
    description: str
    raised_by_id: int | None
    raised_on: dt.date
    responsible_department_id: int | None
    deadline: dt.date | None
    status: str
    resolution: str | None
    answered_on: dt.date | None
    resolved_on: dt.date | None
    escalation: Literal["none", "blue", "yellow", "red"] = Field(description="督办等级（超期一周升一级）")
    days_overdue: int
    updated_at: DateTimeOut
    version: int


class ProblemIn(Strict):
    category_id: Id
    description: str = Field(min_length=1, max_length=5000)


class CompanyProblemIn(Strict):
    """企业诉求: a company's problem with no project; the category from 企业诉求类别."""

    company_id: Id
    category_id: Id
    description: str = Field(min_length=1, max_length=5000)


class ProblemStepIn(Strict):
    """One step: assign (交办: department_id, deadline), start (办理中),
    answer (已反馈: resolution), accept (销号) or return (退回: reason)."""

    action: Literal["assign", "start", "answer", "accept", "return"]
    version: Version
    note: str | None = Field(None, max_length=2000)
    department_id: Id | None = None
    deadline: Day | None = None
    resolution: str | None = Field(None, max_length=5000)
    reason: str | None = Field(None, max_length=2000)


def problem_out(problem: Problem, today: dt.date | None = None) -> ProblemOut:
    days = days_overdue(problem, today or clock.today())
    level = escalation_for_days(days)
    return ProblemOut(
        id=problem.id,
        project_id=problem.project_id,
        company_id=problem.company_id,
        category_id=problem.category_id,
        description=problem.description,
        raised_by_id=problem.raised_by_id,
        raised_on=problem.raised_on,
        responsible_department_id=problem.responsible_department_id,
        deadline=problem.deadline,
        status=problem.status.value,
        resolution=problem.resolution,
        answered_on=problem.answered_on,
        resolved_on=problem.resolved_on,
        escalation=level.key,
        days_overdue=days,
        updated_at=problem.updated_at,
        version=problem.version,
    )


def _page(conditions: list[Any], page_no: int, per_page: int) -> Page[ProblemOut]:
    today = clock.today()
    page = paginate(ledger_statement(conditions, today), page_no, per_page, scalars=False)
    return Page[ProblemOut](
        items=[problem_out(problem, today) for problem, _level in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@operation(bp, "GET", "/problems", summary="问题台账", tag=TAG, query=ProblemQuery, response=Page[ProblemOut])
def list_problems(query: ProblemQuery):
    filters = ProblemFilters(
        category_id=query.category_id,
        department_id=query.department_id,
        status=ProblemStatus(query.status) if query.status else None,
        level=Escalation.from_key(query.level),
        overdue=query.overdue,
        project_id=query.project_id,
        leader_id=query.leader_id,
        q=(query.q or "").strip()[:50],
        open_only=query.open,
        company_id=query.company_id,
        subject=query.subject,
        raised_from=query.raised_from,
        raised_to=query.raised_to,
        closed_from=query.closed_from,
        closed_to=query.closed_to,
    )
    return _page(filters.conditions(current_user, clock.today()), query.page, query.per_page)


@operation(
    bp,
    "GET",
    "/projects/<int:project_id>/problems",
    summary="项目的问题",
    tag=TAG,
    query=ProjectProblemQuery,
    response=Page[ProblemOut],
    errors=(404,),
)
def list_project_problems(project_id: int, query: ProjectProblemQuery):
    project = get_visible_or_404(Project, project_id)
    filters = ProblemFilters(
        project_id=project.id,
        status=ProblemStatus(query.status) if query.status else None,
        open_only=query.open,
    )
    return _page(filters.conditions(current_user, clock.today()), query.page, query.per_page)


@operation(
    bp,
    "POST",
    "/projects/<int:project_id>/problems",
    summary="问题直报",
    tag=TAG,
    body=ProblemIn,
    response=ProblemOut,
    status=201,
    errors=(403, 404, 422),
)
def raise_problem(project_id: int, body: ProblemIn):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(can_raise_problem(current_user, project), "您没有权限为该项目上报问题。")
    check_choice(body.category_id, ref_choices(RefKind.PROBLEM_CATEGORY, blank=None), "category_id", "请选择问题类别。")
    with saving():
        problem = services.raise_problem(project, body.category_id, body.description, current_user)
    return problem_out(problem), 201


@operation(
    bp,
    "POST",
    "/problems",
    summary="企业诉求：为企业（无项目）登记问题",
    tag=TAG,
    body=CompanyProblemIn,
    response=ProblemOut,
    status=201,
    errors=(403, 404, 422),
)
def raise_company_problem(body: CompanyProblemIn):
    forbid_unless(can_raise_company_problem(current_user), "您没有权限登记企业诉求。")
    check_choice(body.category_id, ref_choices(RefKind.COMPANY_NEED, blank=None), "category_id", "请选择诉求类别。")
    company = get_visible_or_404(Company, body.company_id)
    with saving():
        problem = company_problems.raise_company_problem(company, body.category_id, body.description, current_user)
    return problem_out(problem), 201


@operation(bp, "GET", "/problems/<int:problem_id>", summary="问题详情", tag=TAG, response=ProblemOut, errors=(404,))
def get_problem(problem_id: int):
    return problem_out(get_visible_or_404(Problem, problem_id))


def _assign(problem: Problem, body: ProblemStepIn) -> None:
    check_choice(body.department_id, department_choices(blank=None), "department_id", "请选择责任部门。")
    services.assign_problem(
        problem, body.department_id, body.deadline, current_user, note=body.note, version=body.version
    )


STEPS: dict[str, tuple[Callable[..., bool], Callable[[Problem, ProblemStepIn], Any]]] = {
    "assign": (can_assign_problem, _assign),
    "start": (
        can_handle_problem,
        lambda p, b: services.start_problem(p, current_user, note=b.note, version=b.version),
    ),
    "answer": (
        can_handle_problem,
        lambda p, b: services.answer_problem(p, b.resolution, current_user, version=b.version),
    ),
    "accept": (
        can_accept_problem,
        lambda p, b: services.accept_problem(p, current_user, note=b.note, version=b.version),
    ),
    "return": (
        can_accept_problem,
        lambda p, b: services.return_problem(p, b.reason, current_user, version=b.version),
    ),
}


@operation(
    bp,
    "POST",
    "/problems/<int:problem_id>/steps",
    summary="问题办理：交办、办理、反馈、销号或退回（带 version）",
    tag=TAG,
    body=ProblemStepIn,
    response=ProblemOut,
    errors=(403, 404, 409, 422),
)
def problem_step(problem_id: int, body: ProblemStepIn):
    problem = get_visible_or_404(Problem, problem_id)
    allowed, action = STEPS[body.action]
    if not allowed(current_user, problem):
        raise ApiError(403, "您没有权限执行此操作。")
    with saving():
        action(problem, body)
    return problem_out(db.session.get(Problem, problem_id))


class ProblemsReportQuery(Query):
    start: Day | None = Field(None, description="起始日期（默认本年 1 月 1 日）")
    end: Day | None = Field(None, description="截止日期（默认今天）")
    by: Literal["category", "department", "month"] = Field("category", description="分组")


class ProblemsReportCounts(BaseModel):
    raised: int = Field(description="上报")
    solved: int = Field(description="销号")
    solved_on_time: int = Field(description="按期销号")
    average_days: float | None = Field(description="平均办理天数（上报到销号）")


class ProblemsReportGroup(ProblemsReportCounts):
    key: int | str | None
    name: str


class ProblemsReportOut(BaseModel):
    start: dt.date
    end: dt.date
    by: str
    total: ProblemsReportCounts
    groups: list[ProblemsReportGroup]


@operation(
    bp,
    "GET",
    "/reports/problems",
    summary="问题解决情况：上报、销号、按期销号、平均天数（按类别、部门或月份）",
    tag=TAG,
    query=ProblemsReportQuery,
    response=ProblemsReportOut,
)
def problems_report(query: ProblemsReportQuery):
    today = clock.today()
    start, end = query.start or dt.date(today.year, 1, 1), query.end or today
    if start > end:
        raise ApiError(422, "起始日期不能晚于截止日期。", {"start": "起始日期不能晚于截止日期。"})
    report = problems_report_build(current_user, start, end, query.by)
    total = report.total.as_dict()
    return ProblemsReportOut(
        start=start,
        end=end,
        by=report.by,
        total=ProblemsReportCounts(**{k: v for k, v in total.items() if k not in ("key", "name")}),
        groups=[ProblemsReportGroup(**group.as_dict()) for group in report.groups],
    )
