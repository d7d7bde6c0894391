"""Select choices for the lead and visit forms and the list filters, each
list one query, shaped by the viewer's data scope."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _

from app.activity_links import activity_choices
from app.db import db
from app.leads.services import owner_department_ids
from app.models import Chain, Department, Lead, RefItem, RefKind, Role, User, Visit
from app.permissions import department_ids_in_scope

Choice = tuple[Any, str]


def ref_lists(*kinds: RefKind, include: set[int] | frozenset[int] = frozenset()) -> dict[RefKind, list[Choice]]:
    """Active entries of several reference lists in one query (plus the ids
    in `include`, so an edited record keeps a since-deactivated value)."""
    condition = RefItem.active.is_(True)
    if include:
        condition = sa.or_(condition, RefItem.id.in_(include))
    rows = db.session.execute(
        sa.select(RefItem.id, RefItem.kind, RefItem.name)
        .where(RefItem.kind.in_(kinds), condition)
        .order_by(RefItem.sort_order, RefItem.id)
    ).all()
    grouped: dict[RefKind, list[Choice]] = defaultdict(list)
    for row in rows:
        grouped[row.kind].append((row.id, row.name))
    return {kind: grouped.get(kind, []) for kind in kinds}


def with_blank(choices: list[Choice], blank: str = "—") -> list[Choice]:
    return [("", blank), *choices]


def _departments(ids: set[int] | None, include: int | None = None) -> list[Choice]:
    stmt = sa.select(Department.id, Department.name).order_by(Department.sort_order, Department.id)
    condition = Department.active.is_(True)
    if ids is not None:
        condition = sa.and_(condition, Department.id.in_(ids or {-1}))
    if include is not None:
        condition = sa.or_(condition, Department.id == include)
    return [(r.id, r.name) for r in db.session.execute(stmt.where(condition))]


def owner_department_choices(actor: User, include: int | None = None) -> list[Choice]:
    return _departments(owner_department_ids(actor), include)


def owner_user_choices(actor: User, include: int | None = None) -> list[Choice]:
    """Staff (and admins) of the departments `actor` may assign leads to;
    only oneself for the `own` scope."""
    if actor.role is Role.STAFF and department_ids_in_scope(actor) == set():
        condition = User.id == actor.id
    else:
        depts = owner_department_ids(actor)
        condition = sa.and_(User.active.is_(True), User.role.in_((Role.STAFF, Role.ADMIN)))
        if depts is not None:
            condition = sa.and_(condition, User.department_id.in_(depts or {-1}))
    if include is not None:
        condition = sa.or_(condition, User.id == include)
    rows = db.session.execute(
        sa.select(User.id, User.name, Department.name.label("dept"))
        .outerjoin(Department, Department.id == User.department_id)
        .where(condition, User.department_id.is_not(None))
        .order_by(Department.sort_order, User.name)
    ).all()
    return [(r.id, f"{r.name} · {r.dept}") for r in rows]


def filter_department_choices(viewer: User) -> list[Choice]:
    """Departments offered as a list filter: those whose leads the viewer sees."""
    return _departments(department_ids_in_scope(viewer) if viewer.role is Role.STAFF else None)


# A city platform has thousands of staff: a select of all of them is a page of
# options (150 KB at 2,000 users) nobody can scroll. Past this many the filter
# offers the people of the chosen department only.
OWNER_FILTER_MAX = 200


def filter_owner_choices(
    viewer: User, department_id: int | None = None, selected: int | None = None
) -> tuple[list[Choice], bool]:
    """People offered as the owner filter, and whether the list was narrowed
    (True: too many people in scope; choose a department first). Those of
    `department_id` when one is chosen, else everyone in the viewer's scope up
    to OWNER_FILTER_MAX; `selected` is always kept so the filter shows its name."""
    depts = department_ids_in_scope(viewer) if viewer.role is Role.STAFF else None
    in_scope = sa.and_(User.role.in_((Role.STAFF, Role.ADMIN)), User.department_id.is_not(None))
    if depts is not None:
        in_scope = sa.and_(in_scope, sa.or_(User.department_id.in_(depts or {-1}), User.id == viewer.id))
    listed = in_scope if department_id is None else sa.and_(in_scope, User.department_id == department_id)
    if selected is not None:
        listed = sa.or_(listed, sa.and_(in_scope, User.id == selected))
    people = sa.select(User.id, User.name, Department.name.label("dept")).join(
        Department, Department.id == User.department_id
    )
    rows = db.session.execute(
        people.where(listed).order_by(Department.sort_order, User.name, User.id).limit(OWNER_FILTER_MAX + 1)
    ).all()
    narrowed = len(rows) > OWNER_FILTER_MAX
    if narrowed:
        rows = [] if selected is None else db.session.execute(people.where(in_scope, User.id == selected)).all()
    return [(r.id, f"{r.name} · {r.dept}") for r in rows], narrowed


def participant_choices(actor: User, include: set[int] | frozenset[int] = frozenset()) -> list[Choice]:
    """Our people who can take part in a visit: active staff, admins and
    leaders; the actor's department first."""
    condition = sa.and_(User.active.is_(True), User.role != Role.VIEWER)
    if include:
        condition = sa.or_(condition, User.id.in_(include))
    mine = sa.case((User.department_id == actor.department_id, 0), else_=1) if actor.department_id else sa.literal(1)
    rows = db.session.execute(
        sa.select(User.id, User.name, User.title, Department.name.label("dept"))
        .outerjoin(Department, Department.id == User.department_id)
        .where(condition)
        .order_by(mine, Department.sort_order, User.name)
    ).all()
    return [(r.id, f"{r.name} · {r.dept or r.title or ''}".rstrip(" ·")) for r in rows]


def leader_choices(include: int | None = None) -> list[Choice]:
    condition = sa.and_(User.role == Role.LEADER, User.active.is_(True))
    if include is not None:
        condition = sa.or_(condition, User.id == include)
    rows = db.session.execute(sa.select(User.id, User.name, User.title).where(condition).order_by(User.name)).all()
    return [(r.id, f"{r.name}（{r.title}）" if r.title else r.name) for r in rows]


def setup_visit_form(form: Any, visit: Visit | None, user: User, activity_id: int | None = None) -> None:
    """The visit form's select lists (kinds, participants, leader present,
    招商活动 — the visit's own, or `activity_id` the form was opened with)."""
    include = {visit.kind_id} if visit and visit.kind_id else set()
    kinds = ref_lists(RefKind.VISIT_KIND, include=include)[RefKind.VISIT_KIND]
    form.kind_id.choices = with_blank(kinds)
    form.participant_ids.choices = participant_choices(user, {u.id for u in visit.participants} if visit else set())
    form.leader_present_id.choices = with_blank(leader_choices(visit.leader_present_id if visit else None), _("无"))
    form.activity_id.choices = activity_choices(user, visit.activity_id if visit else activity_id)


def chain_filter_choices() -> list[tuple[int, str]]:
    """The live 产业链 (the list's chain filter: leads remember theirs)."""
    rows = db.session.execute(
        sa.select(Chain.id, Chain.name).where(Chain.archived_at.is_(None)).order_by(Chain.sort_order, Chain.id)
    ).all()
    return [(r.id, r.name) for r in rows]


def list_filter_options(user: User, department_id: int | None, owner_id: int | None) -> dict[str, Any]:
    """The lead list's filter selects, shaped by the viewer's scope."""
    refs = ref_lists(RefKind.SOURCE, RefKind.INDUSTRY, RefKind.TIER)
    owners, owners_narrowed = filter_owner_choices(user, department_id, owner_id)
    return {
        "ref_options": {
            "industry_id": refs[RefKind.INDUSTRY],
            "source_id": refs[RefKind.SOURCE],
            "tier_id": refs[RefKind.TIER],
            "chain_id": chain_filter_choices(),
        },
        "departments": filter_department_choices(user),
        "owners": owners,
        "owners_narrowed": owners_narrowed,
    }


def setup_convert_form(form: Any, lead: Lead, user: User) -> None:
    """The conversion form's select lists, and its fields filled from the lead
    on first display (only an admin may make the project a key project)."""
    refs = ref_lists(RefKind.INDUSTRY, include={lead.industry_id} if lead.industry_id else set())
    form.industry_id.choices = with_blank(refs[RefKind.INDUSTRY])
    form.lead_department_id.choices = with_blank(owner_department_choices(user, lead.owner_department_id), _("请选择"))
    form.responsible_leader_id.choices = with_blank(leader_choices())
    if user.role is not Role.ADMIN:
        del form.is_key
    if request.method == "GET":
        form.name.data = lead.title
        form.planned_investment.data = lead.intended_investment
        form.industry_id.data = lead.industry_id
        form.location.data = lead.intended_location
        form.lead_department_id.data = lead.owner_department_id
        form.version.data = str(lead.version)
