"""Assigning the five ones (五个一) of a project: the responsible leader, the
lead department, the working team (工作专班) and the plan text.

Changing the responsible leader is a handover with a reason (LeaderHandover),
never a silent overwrite; naming the first leader is recorded the same way
so the project's history shows who named whom and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.concurrency import check_version
from app.db import db, utcnow
from app.models import Department, LeaderHandover, Project, Role, User
from app.projects.services import ProjectError


def _leader(leader_id: int | None) -> User | None:
    if leader_id is None:
        return None
    leader = db.session.get(User, leader_id)
    if leader is None or leader.role is not Role.LEADER or not leader.active:
        raise ProjectError(_("责任领导须为在职的领导账号。"), "responsible_leader_id")
    return leader


def _team(team_ids: Iterable[int]) -> list[User]:
    ids = sorted({int(i) for i in team_ids})
    if not ids:
        return []
    members = list(db.session.scalars(sa.select(User).where(User.id.in_(ids))))
    if len(members) != len(ids) or any(m.role is not Role.STAFF or not m.active for m in members):
        raise ProjectError(_("专班成员须为在职的招商人员账号。"), "team_ids")
    return sorted(members, key=lambda m: m.id)


def change_leader(project: Project, leader_id: int | None, reason: str | None, actor: User) -> LeaderHandover | None:
    """Hand the project to another leader (or name the first one). A change
    away from an existing leader needs a reason."""
    if leader_id == project.responsible_leader_id:
        return None
    reason = (reason or "").strip()
    leader = _leader(leader_id)
    if project.responsible_leader_id is not None and not reason:
        raise ProjectError(_("更换责任领导须填写交接原因。"), "handover_reason")
    if project.responsible_leader_id is None and not reason:
        reason = _("明确责任领导")
    handover = LeaderHandover(
        project_id=project.id,
        from_leader_id=project.responsible_leader_id,
        to_leader_id=leader.id if leader else None,
        reason=reason,
        changed_by_id=actor.id,
    )
    db.session.add(handover)
    audit.record(
        "update",
        "project",
        project.id,
        changes={"responsible_leader_id": [project.responsible_leader_id, leader_id], "handover_reason": reason},
        summary=_("责任领导交接：%(reason)s", reason=reason),
        user_id=actor.id,
    )
    project.responsible_leader_id = leader_id
    project.responsible_leader = leader
    return handover


def assign_five_ones(project: Project, data: dict[str, Any], actor: User, *, version: Any) -> Project:
    """Save leader (with handover reason), lead department, team and plan
    text from `data`; refused when the project changed meanwhile."""
    check_version(project, "project", version)

    department_id = data.get("lead_department_id")
    if department_id is not None:
        department = db.session.get(Department, department_id)
        if department is None or not department.active:
            raise ProjectError(_("所选牵头部门不存在或已停用。"), "lead_department_id")
    team = _team(data.get("team_ids") or [])
    plan_text = (data.get("plan_text") or "").strip() or None

    if "responsible_leader_id" in data:
        change_leader(project, data.get("responsible_leader_id"), data.get("handover_reason"), actor)

    before = {
        "lead_department_id": project.lead_department_id,
        "team": sorted(m.id for m in project.team),
        "plan_text": project.plan_text,
    }
    project.lead_department_id = department_id
    project.team = team
    project.plan_text = plan_text
    # Team changes do not touch the project row; bump it anyway so the
    # optimistic lock sees every five-ones save.
    project.updated_at = utcnow()
    after = {"lead_department_id": department_id, "team": [m.id for m in team], "plan_text": plan_text}
    changes = audit.diff(before, after)
    if changes:
        audit.record("update", "project", project.id, changes=changes, summary=_("五个一落实"), user_id=actor.id)
    db.session.flush()
    return project
