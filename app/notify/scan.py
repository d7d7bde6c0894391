"""The timed events (`flask notify-scan`, also run by the worker once a day):
what falls due is noticed by the calendar, not by a change. Idempotent per
day: each notification carries a key of its record and day, written once.

- a lead clock falling due tomorrow, and a lead turning overdue today → its owner;
- a milestone due in 3 days, the monthly investment report due in 2 days → the team;
- a pending problem reaching 黄/红 督办 by its overdue weeks → the responsible department;
- a key project turning red today (with the reasons) → its responsible leader;
- on Mondays, the week's summary of a leader's desk → the leader.

Like the reports, this reads the features' own rules (clocks, lights,
schedule, escalation), imported inside the functions."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from app.db import db
from app.models import (
    AnnualPlan,
    InvestmentReport,
    Lead,
    Light,
    Milestone,
    Problem,
    ProblemStatus,
    Project,
    Role,
    Stage,
    User,
)
from app.notify.emitter import emit
from app.notify.events import _short, lead_clock_name

MILESTONE_NOTICE_DAYS = 3
REPORT_NOTICE_DAYS = 2


def _leads(today: dt.date) -> Counter:
    from app.leads.clocks import overdue_condition, overdue_expr

    tomorrow, yesterday = today + dt.timedelta(days=1), today - dt.timedelta(days=1)
    sent: Counter = Counter()
    base = (Lead.archived_at.is_(None), Lead.owner_user_id.is_not(None))
    due = db.session.execute(
        sa.select(Lead, overdue_expr(tomorrow))
        .options(orm.joinedload(Lead.owner_user))
        .where(*base, overdue_condition(tomorrow), ~overdue_condition(today))
    ).all()
    for lead, clock_name in due:
        text = _(
            "线索「%(title)s」的%(clock)s时限明天到期", title=_short(lead.title, 40), clock=lead_clock_name(clock_name)
        )
        sent["lead_due"] += len(
            emit("lead_due", text, lead, users=[lead.owner_user], dedupe_key=f"lead_due:{lead.id}:{today}").users
        )
    overdue = db.session.execute(
        sa.select(Lead, overdue_expr(today))
        .options(orm.joinedload(Lead.owner_user))
        .where(*base, overdue_condition(today), ~overdue_condition(yesterday))
    ).all()
    for lead, clock_name in overdue:
        text = _(
            "线索「%(title)s」已超过%(clock)s时限", title=_short(lead.title, 40), clock=lead_clock_name(clock_name)
        )
        sent["lead_overdue"] += len(
            emit(
                "lead_overdue", text, lead, users=[lead.owner_user], dedupe_key=f"lead_overdue:{lead.id}:{today}"
            ).users
        )
    return sent


def _live_projects() -> tuple[sa.ColumnElement[bool], ...]:
    return (Project.archived_at.is_(None), Project.stage != Stage.EXITED)


def _milestones(today: dt.date) -> Counter:
    sent: Counter = Counter()
    due_on = today + dt.timedelta(days=MILESTONE_NOTICE_DAYS)
    rows = db.session.scalars(
        sa.select(Milestone)
        .join(Project, Project.id == Milestone.project_id)
        .options(orm.contains_eager(Milestone.project).selectinload(Project.team))
        .where(Milestone.due_on == due_on, Milestone.done_on.is_(None), *_live_projects())
    ).all()
    for milestone in rows:
        project = milestone.project
        text = _(
            "项目「%(project)s」的节点「%(name)s」将于 %(due)s 到期",
            project=project.name,
            name=_short(milestone.name, 40),
            due=due_on.isoformat(),
        )
        key = f"milestone_due:{milestone.id}:{today}"
        sent["milestone_due"] += len(emit("milestone_due", text, project, users=project.team, dedupe_key=key).users)
    return sent


def _reports(today: dt.date) -> Counter:
    from app.delivery.schedule import deadline_of, previous_month

    sent: Counter = Counter()
    month = previous_month(today)
    deadline = deadline_of(month)
    if (deadline - today).days != REPORT_NOTICE_DAYS:
        return sent
    reported = sa.select(InvestmentReport.project_id).where(InvestmentReport.month == month)
    projects = db.session.scalars(
        sa.select(Project)
        .join(AnnualPlan, sa.and_(AnnualPlan.project_id == Project.id, AnnualPlan.year == month.year))
        .options(orm.selectinload(Project.team))
        .where(Project.id.not_in(reported), *_live_projects())
    ).all()
    for project in projects:
        text = _(
            "项目「%(project)s」%(month)s的投资月报请于 %(deadline)s 前填报",
            project=project.name,
            month=f"{month.year}年{month.month}月",
            deadline=deadline.isoformat(),
        )
        key = f"report_due:{project.id}:{month.isoformat()}"
        sent["report_due"] += len(emit("report_due", text, project, users=project.team, dedupe_key=key).users)
    return sent


def _escalations(today: dt.date) -> Counter:
    from app.escalation import Escalation, escalation_for_days

    sent: Counter = Counter()
    yellow_day, red_day = today - dt.timedelta(days=8), today - dt.timedelta(days=15)
    problems = db.session.scalars(
        sa.select(Problem)
        .options(orm.joinedload(Problem.project), orm.joinedload(Problem.company))
        .where(
            Problem.archived_at.is_(None),
            Problem.status.in_((ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS)),
            Problem.deadline.in_((yellow_day, red_day)),
        )
    ).all()
    for problem in problems:
        level = escalation_for_days((today - problem.deadline).days)
        if level not in (Escalation.YELLOW, Escalation.RED):
            continue
        key = f"problem_escalated:{problem.id}:{level.key}"
        from app.notify.events import problem_escalated

        sent["problem_escalated"] += len(problem_escalated(problem, level.label, key).users)
    return sent


def _red_projects(today: dt.date) -> Counter:
    from app.projects.lights import light_condition, light_details

    sent: Counter = Counter()
    yesterday = today - dt.timedelta(days=1)
    projects = db.session.scalars(
        sa.select(Project)
        .options(orm.joinedload(Project.responsible_leader))
        .where(
            *_live_projects(),
            Project.responsible_leader_id.is_not(None),
            light_condition(Light.RED, today),
            ~light_condition(Light.RED, yesterday),
        )
    ).all()
    details = light_details([p.id for p in projects], today) if projects else {}
    for project in projects:
        reason = details[project.id].reason if project.id in details else ""
        text = _("您分包的项目「%(project)s」转为红灯：%(reason)s", project=project.name, reason=_short(reason, 120))
        key = f"project_red:{project.id}:{today}"
        sent["project_red"] += len(
            emit("project_red", text, project, users=[project.responsible_leader], dedupe_key=key).users
        )
    return sent


def _weekly_desks(today: dt.date) -> Counter:
    from app.projects.desk import leader_desk

    sent: Counter = Counter()
    if today.weekday() != 0:
        return sent
    leaders = db.session.scalars(sa.select(User).where(User.role == Role.LEADER, User.active.is_(True))).all()
    for leader in leaders:
        counts = leader_desk(leader, today).counts
        if not counts["projects"]:
            continue
        text = _(
            "本周工作台：分包项目 %(n)d 个，红灯 %(red)d、黄灯 %(yellow)d；超期问题 %(problems)d 个，"
            "待办结批示 %(answered)d 条，超期批示 %(late)d 条",
            n=counts["projects"],
            red=counts["red"],
            yellow=counts["yellow"],
            problems=counts["overdue_problems"],
            answered=counts["instructions_answered"],
            late=counts["instructions_overdue"],
        )
        key = f"desk_weekly:{leader.id}:{today}"
        sent["desk_weekly"] += len(emit("desk_weekly", text, leader, users=[leader], dedupe_key=key).users)
    return sent


def run(today: dt.date) -> Counter:
    """Write the day's timed notifications (and the digest); the caller commits."""
    from app.notify.digest import queue_digests

    sent: Counter = Counter()
    for step in (_leads, _milestones, _reports, _escalations, _red_projects, _weekly_desks):
        sent.update(step(today))
    sent["digest"] += queue_digests(today)
    return sent
