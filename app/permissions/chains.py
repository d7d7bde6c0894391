"""Who may see and change industry chains (产业链) and target companies
(招商目标企业).

- **See**: every signed-in user sees every live chain, its map and the
  target list: the chain map is the district's plan, published to all who
  work on it. What a target shows about contact with the company is the
  撞单 answer (which department, since when), never another department's
  lead. Archived chains and targets: admin only.
- **Create a chain**: admin.
- **Edit a chain** (its facts, segments, placing companies and projects on
  segments, adding targets and importing its 招商图谱): admin; the chain's
  链长 (the leader user named on it); staff of the chain's lead department
  (or whose data scope covers it — staff with the `all` scope included).
- **Edit a target**: whoever may edit its chain, and staff of the
  department the target is assigned to (or whose scope covers it).
- **Turn a target into a lead**: whoever may register a lead (admin and
  staff, as `can_create_lead`), while the target is live; the lead is theirs
  and the 撞单 rules apply as for any lead.
- Leaders other than the 链长 and viewers read only.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Chain, Role, TargetCompany, User
from app.permissions.leads import can_create_lead
from app.permissions.loading import register
from app.permissions.scope import department_ids_in_scope


def _covers_department(user: User, department_id: int | None) -> bool:
    """Staff whose department is `department_id`, or whose scope covers it."""
    if user.role is not Role.STAFF or department_id is None:
        return False
    if user.department_id == department_id:
        return True
    depts = department_ids_in_scope(user)
    return depts is None or department_id in depts


def chain_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL: the chains `user` sees in lists (live ones)."""
    return Chain.archived_at.is_(None)


def target_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL: the target companies `user` sees in lists (live ones)."""
    return TargetCompany.archived_at.is_(None)


def can_view_chain(user: User, chain: Chain) -> bool:
    return chain.archived_at is None or user.role is Role.ADMIN


def can_create_chain(user: User) -> bool:
    return user.role is Role.ADMIN


def can_edit_chain(user: User, chain: Chain) -> bool:
    if chain.archived_at is not None:
        return user.role is Role.ADMIN
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.LEADER:
        return chain.chain_leader_id == user.id
    return _covers_department(user, chain.department_id)


def can_view_target(user: User, target: TargetCompany) -> bool:
    return target.archived_at is None or user.role is Role.ADMIN


def can_edit_target(user: User, target: TargetCompany) -> bool:
    if target.archived_at is not None:
        return user.role is Role.ADMIN
    return can_edit_chain(user, target.chain) or _covers_department(user, target.department_id)


def can_lead_target(user: User, target: TargetCompany) -> bool:
    """Open a lead on the target (撞单 checked by the lead service)."""
    return target.archived_at is None and can_create_lead(user)


register(Chain, view=can_view_chain, edit=can_edit_chain)
register(TargetCompany, view=can_view_target, edit=can_edit_target)
