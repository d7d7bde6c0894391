"""问题台账 views: the ledger with filters and .xlsx export, raising a problem
on a project, the problem page and one action per life-cycle step."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from app import clock
from app.db import db
from app.lookups import department_choices, ref_choices
from app.models import Company, Problem, ProblemEvent, ProblemStatus, Project, RefKind
from app.pagination import page_args
from app.permissions import (
    can_accept_problem,
    can_assign_problem,
    can_handle_problem,
    can_raise_problem,
    can_see_history,
    can_supervise_problem,
    get_visible_or_404,
    require,
)
from app.permissions.problems import can_raise_company_problem
from app.problems import bp, company_problems, exports, services
from app.problems.forms import (
    AnswerForm,
    AssignForm,
    CompanyProblemForm,
    ProblemForm,
    ReturnForm,
    StepForm,
    SuperviseForm,
)
from app.problems.ledger import ProblemFilters, ledger_page, ledger_summary
from app.problems.rules import Escalation, days_overdue, escalation_history, escalation_of, is_pending
from app.projects.detail import render_detail
from app.views import attempt

EXPORT_BATCH = 1000


def _choices() -> dict:
    needs = [(value, f"{name}（{_('企业诉求')}）") for value, name in ref_choices(RefKind.COMPANY_NEED, blank=None)]
    return {
        "categories": ref_choices(RefKind.PROBLEM_CATEGORY, blank=None) + needs,
        "departments": department_choices(blank=None),
        "subjects": [("project", _("项目问题")), ("company", _("企业诉求"))],
    }


@bp.route("/")
@login_required
def index():
    today = clock.today()
    filters = ProblemFilters.from_args(request.args)
    for message in filters.errors:
        flash(message, "warning")
    conditions = filters.conditions(current_user, today)
    summary = ledger_summary(conditions, today)
    page = ledger_page(conditions, today, *page_args(), total=summary.total)
    return render_template(
        "problems/list.html",
        page=page,
        filters=filters,
        summary=summary,
        statuses=list(ProblemStatus),
        levels=[level for level in Escalation if level is not Escalation.NONE],
        level_options=[(level.key, level.label) for level in Escalation if level is not Escalation.NONE],
        as_of=today,
        Escalation=Escalation,
        export_args={k: v for k, v in request.args.items() if k not in ("page", "per_page")},
        can_raise_company=can_raise_company_problem(current_user),
        **_choices(),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    return exports.ledger_export(current_user, ProblemFilters.from_args(request.args), clock.today())


# --- raising a problem -------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    project = get_visible_or_404(Project, request.values.get("project_id"))
    require(can_raise_problem(current_user, project))
    form = ProblemForm()
    form.category_id.choices = ref_choices(RefKind.PROBLEM_CATEGORY, blank=_("— 请选择 —"))
    if form.validate_on_submit():
        created: list[Problem] = []
        if attempt(
            lambda: created.append(
                services.raise_problem(project, form.category_id.data, form.description.data, current_user)
            ),
            form,
        ):
            flash(_("问题已上报，等待交办。"), "success")
            return redirect(url_for("problems.detail", problem_id=created[0].id))
    if request.method == "POST" and request.form.get("from_project"):
        return render_detail(project.id, 400, problem_form=form)
    return render_template("problems/form.html", form=form, project=project)


@bp.route("/new-company", methods=["GET", "POST"])
@login_required
def new_company():
    """企业诉求 for a company alone: from the company's page (company_id) or
    from the ledger (the company named on the form)."""
    require(can_raise_company_problem(current_user))
    company = get_visible_or_404(Company, request.values["company_id"]) if request.values.get("company_id") else None
    form = CompanyProblemForm()
    form.category_id.choices = ref_choices(RefKind.COMPANY_NEED, blank=_("— 请选择 —"))
    if form.validate_on_submit():
        created: list[Problem] = []

        def raise_it() -> None:
            subject = company or company_problems.find_company(form.company_name.data)
            created.append(
                company_problems.raise_company_problem(
                    subject, form.category_id.data, form.description.data, current_user
                )
            )

        if attempt(raise_it, form):
            flash(_("企业诉求已登记，等待交办。"), "success")
            return redirect(url_for("problems.detail", problem_id=created[0].id))
    status = 400 if request.method == "POST" else 200
    return render_template("problems/company_form.html", form=form, company=company), status


# --- the problem page and its steps ---------------------------------------------------


def _page(problem: Problem, status: int = 200, **forms):
    today = clock.today()
    problem = db.session.scalars(
        sa.select(Problem)
        .where(Problem.id == problem.id)
        .options(
            orm.joinedload(Problem.project),
            orm.joinedload(Problem.company),
            orm.joinedload(Problem.category),
            orm.joinedload(Problem.responsible_department),
            orm.joinedload(Problem.raised_by),
            orm.selectinload(Problem.events).joinedload(ProblemEvent.actor),
        )
    ).one()
    version = problem.version
    assign_form = forms.get("assign_form") or AssignForm(
        formdata=None, department_id=problem.responsible_department_id, deadline=problem.deadline
    )
    assign_form.department_id.choices = department_choices(blank=_("— 请选择 —"))
    step_forms = {
        "assign_form": assign_form,
        "start_form": forms.get("start_form") or StepForm(formdata=None),
        "answer_form": forms.get("answer_form") or AnswerForm(formdata=None),
        "accept_form": forms.get("accept_form") or StepForm(formdata=None),
        "return_form": forms.get("return_form") or ReturnForm(formdata=None),
        "supervise_form": forms.get("supervise_form") or SuperviseForm(formdata=None),
    }
    for form in step_forms.values():
        if not form.version.data:
            form.version.data = version
    user = current_user
    can = {
        "assign": can_assign_problem(user, problem) and problem.status in services.ASSIGNABLE,
        "handle": can_handle_problem(user, problem),
        "accept": can_accept_problem(user, problem),
        "supervise": can_supervise_problem(user, problem) and is_pending(problem),
        "see_history": can_see_history(user),
    }
    html = render_template(
        "problems/detail.html",
        problem=problem,
        level=escalation_of(problem, today),
        overdue_days=days_overdue(problem, today),
        escalation_steps=escalation_history(problem, today),
        can=can,
        as_of=today,
        Status=ProblemStatus,
        Escalation=Escalation,
        **step_forms,
    )
    return html, status


@bp.route("/<int:problem_id>")
@login_required
def detail(problem_id: int):
    return _page(get_visible_or_404(Problem, problem_id))


def _step(problem_id: int, allowed, form_cls, form_name: str, action, success: str):
    problem = get_visible_or_404(Problem, problem_id)
    require(allowed(current_user, problem))
    form = form_cls()
    if form_name == "assign_form":
        form.department_id.choices = department_choices(blank=_("— 请选择 —"))
    if form.validate():
        outcome = attempt(lambda: action(problem, form), form)
        if outcome:
            flash(success, "success")
            return redirect(url_for("problems.detail", problem_id=problem_id))
        if outcome.stale:
            form.version.data = db.session.get(Problem, problem_id).version
    return _page(db.session.get(Problem, problem_id), 400, **{form_name: form})


@bp.route("/<int:problem_id>/assign", methods=["POST"])
@login_required
def assign(problem_id: int):
    return _step(
        problem_id,
        can_assign_problem,
        AssignForm,
        "assign_form",
        lambda p, f: services.assign_problem(
            p, f.department_id.data, f.deadline.data, current_user, note=f.note.data, version=f.version.data
        ),
        _("已交办。"),
    )


@bp.route("/<int:problem_id>/start", methods=["POST"])
@login_required
def start(problem_id: int):
    return _step(
        problem_id,
        can_handle_problem,
        StepForm,
        "start_form",
        lambda p, f: services.start_problem(p, current_user, note=f.note.data, version=f.version.data),
        _("已开始办理。"),
    )


@bp.route("/<int:problem_id>/answer", methods=["POST"])
@login_required
def answer(problem_id: int):
    return _step(
        problem_id,
        can_handle_problem,
        AnswerForm,
        "answer_form",
        lambda p, f: services.answer_problem(p, f.resolution.data, current_user, version=f.version.data),
        _("已反馈办理结果，等待销号。"),
    )


@bp.route("/<int:problem_id>/accept", methods=["POST"])
@login_required
def accept(problem_id: int):
    return _step(
        problem_id,
        can_accept_problem,
        StepForm,
        "accept_form",
        lambda p, f: services.accept_problem(p, current_user, note=f.note.data, version=f.version.data),
        _("问题已销号。"),
    )


@bp.route("/<int:problem_id>/return", methods=["POST"])
@login_required
def send_back(problem_id: int):
    return _step(
        problem_id,
        can_accept_problem,
        ReturnForm,
        "return_form",
        lambda p, f: services.return_problem(p, f.reason.data, current_user, version=f.version.data),
        _("已退回责任部门重新办理。"),
    )


@bp.route("/<int:problem_id>/supervise", methods=["POST"])
@login_required
def supervise(problem_id: int):
    return _step(
        problem_id,
        can_supervise_problem,
        SuperviseForm,
        "supervise_form",
        lambda p, f: services.supervise_problem(p, f.note.data, current_user, version=f.version.data),
        _("已督办：问题督办等级已提升，责任部门将在工作台优先看到。"),
    )
