"""企业诉求 (万人助万企 / 一把手办): a problem raised for a company alone — a
company's difficulty with 用工, 融资, 审批, 水电 … — with no project. From
then on it is a problem like any other: the same life cycle
(`services.py`), escalation (`rules.py`), ledger and report.

The category comes from the 企业诉求类别 list (`RefKind.COMPANY_NEED`); a
company is named by its record (from its page) or by its name or credit
code as the 企业库 holds it (from the ledger's form)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from app import audit, clock
from app.companies.services import find_matches
from app.db import db
from app.models import Company, Problem, ProblemEvent, ProblemStatus, RefItem, RefKind, User
from app.problems.services import ProblemError, _text


def find_company(name: str | None) -> Company:
    """The live company bearing `name` (or this credit code); refuses a name
    the 企业库 does not hold exactly (a look-alike is not the company)."""
    text = (name or "").strip()
    if not text:
        raise ProblemError(_("请填写企业名称。"), "company_name")
    exact = [m for m in find_matches(text, text, limit=3) if m.reason in ("credit_code", "name")]
    if not exact:
        raise ProblemError(
            _("企业库中没有「%(name)s」，请先登记企业，或从企业页面提出诉求。", name=text[:50]), "company_name"
        )
    return exact[0].company


def raise_company_problem(
    company: Company,
    category_id: int | None,
    description: str | None,
    actor: User,
    raised_on: dt.date | None = None,
) -> Problem:
    """企业诉求: a new problem of `company` alone, status 已上报."""
    if company.archived_at is not None:
        raise ProblemError(_("该企业已归档，不能再提出诉求。"), "company_name")
    category = db.session.get(RefItem, category_id) if category_id else None
    if category is None or category.kind is not RefKind.COMPANY_NEED:
        raise ProblemError(_("请选择诉求类别。"), "category_id")
    description = _text(description, "description", _("请描述企业需要协调解决的问题。"))
    raised_on = raised_on or clock.today()
    if raised_on > clock.today():
        raise ProblemError(_("上报日期不能晚于今天。"), "raised_on")
    problem = Problem(
        project_id=None,
        company_id=company.id,
        category_id=category.id,
        description=description,
        raised_by_id=actor.id,
        raised_on=raised_on,
        status=ProblemStatus.REPORTED,
    )
    db.session.add(problem)
    db.session.flush()
    db.session.add(
        ProblemEvent(
            problem_id=problem.id, from_status=None, to_status=ProblemStatus.REPORTED, actor_id=actor.id, note=None
        )
    )
    audit.record(
        "create",
        "problem",
        problem.id,
        changes={"company_id": company.id, "category": category.name},
        summary=f"{company.name}：{description[:150]}",
        user_id=actor.id,
    )
    return problem
