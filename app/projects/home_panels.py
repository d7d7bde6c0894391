"""Home-page panels of the projects area: the leader's desk on a leader's
home page, the instructions (批示) a staff member's team still has to
acknowledge, and for a supervisor (督查) the key projects on red and yellow."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from app import clock, facts
from app.db import db
from app.main.home import Panel, home_panel
from app.models import Instruction, Light, Project, ProjectFact, Role, User, project_team
from app.pagination import first_rows
from app.permissions import department_ids_in_scope
from app.projects import instruction_rules
from app.projects.desk import leader_desk
from app.projects.lights import LightInfo, current_light, light_details, light_rank

PANEL_LIMIT = 10
LIT = (Light.RED.value, Light.YELLOW.value)


@home_panel(10)
def leader_desk_panel(user: User) -> Panel | None:
    if user.role is not Role.LEADER:
        return None
    desk = leader_desk(user, clock.today())
    return Panel("projects/_desk_panel.html", {"desk": desk, "rows": desk.page, "on_home": True})


def _team_projects(user: User) -> sa.ColumnElement[bool]:
    """Projects whose working team includes `user` or whose lead department
    is within the user's scope."""
    conditions = [Project.id.in_(sa.select(project_team.c.project_id).where(project_team.c.user_id == user.id))]
    depts = department_ids_in_scope(user)
    if depts is None:
        return sa.true()
    if user.department_id is not None:
        depts = depts | {user.department_id}
    if depts:
        conditions.append(Project.lead_department_id.in_(depts))
    return sa.or_(*conditions)


@home_panel(30)
def instructions_panel(user: User) -> Panel | None:
    """The instructions the team still owes a 反馈 on (待签收 and 办理中), the
    most overdue first."""
    if user.role is not Role.STAFF:
        return None
    today = clock.today()
    base = (
        sa.select(Instruction)
        .join(Project, Project.id == Instruction.project_id)
        .where(instruction_rules.owed_condition(), Project.archived_at.is_(None), _team_projects(user))
    )
    items, total = first_rows(
        base.options(orm.contains_eager(Instruction.project), orm.joinedload(Instruction.leader)).order_by(
            Instruction.due_on.is_(None), Instruction.due_on, Instruction.issued_at.desc()
        ),
        PANEL_LIMIT,
    )
    if not total:
        return None
    overdue = {i.id: instruction_rules.days_overdue(i, today) for i in items}
    return Panel("projects/_instructions_panel.html", {"instructions": items, "total": total, "overdue": overdue})


@home_panel(11)
def supervisor_lights_panel(user: User) -> Panel | None:
    """督查: the key projects on red and yellow, with their reasons (red first,
    then the largest)."""
    if user.role is not Role.VIEWER:
        return None
    today = clock.today()
    if facts.lights_fresh(today):
        # The kept lights, read from their own table ('red' sorts before
        # 'yellow'): not a probe of the facts for every key project.
        lit = sa.and_(ProjectFact.light.in_(LIT), ProjectFact.archived_at.is_(None))
        counted = sa.select(ProjectFact.light, sa.func.count()).where(lit).group_by(ProjectFact.light)
        first = (
            sa.select(ProjectFact.id, ProjectFact.light, ProjectFact.planned_investment)
            .where(lit)
            .order_by(ProjectFact.light, ProjectFact.planned_investment.desc(), ProjectFact.id)
            .limit(PANEL_LIMIT)
            .subquery("first")
        )
        listed = sa.select(Project).join(first, first.c.id == Project.id)
        order = (first.c.light, first.c.planned_investment.desc(), Project.id)
    else:
        light: sa.ColumnElement[str] = current_light(today)
        lit = sa.and_(Project.is_key.is_(True), Project.archived_at.is_(None), light.in_(LIT))
        counted = sa.select(light.label("light"), sa.func.count()).where(lit).group_by(light)
        listed = sa.select(Project).where(lit)
        order = (light_rank(light), Project.planned_investment.desc(), Project.id)
    counts = dict(db.session.execute(counted).all())
    if not counts:
        return None
    projects = db.session.scalars(
        listed.options(orm.joinedload(Project.lead_department), orm.joinedload(Project.company))
        .order_by(*order)
        .limit(PANEL_LIMIT)
    ).all()
    lights = light_details([p.id for p in projects], today)
    rows = [(p, lights.get(p.id, LightInfo(None))) for p in projects]
    return Panel(
        "projects/_lights_panel.html",
        {"rows": rows, "red": counts.get(Light.RED.value, 0), "yellow": counts.get(Light.YELLOW.value, 0)},
    )
