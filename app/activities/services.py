"""招商活动 and 招商计划: the rules of every change, each written with its
audit row in the caller's transaction (flush, never commit).

An activity: a kind from the admin's list 招商活动类型, a title, dates (the
end not before the start; at most a year ahead — a trip is entered when it
is planned), the regions visited (typed as 上海、深圳 …, kept as a list), at
least one leading leader (带队领导: any active user — a 小分队 is often led
by a department head), participants (a leader is not listed twice), the
organising department (within the actor's scope), the plan it realises (of
the same year), purpose, 成果 and budget (万元, never negative)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.activity_links import ActivityError
from app.concurrency import check_version
from app.db import db, utcnow
from app.models import Activity, ActivityPlan, ActivityRegion, Department, RefItem, RefKind, User
from app.permissions.activities import activity_departments, can_create_activity, can_view_activity_plan

ACTIVITY_FIELDS = (
    "kind_id",
    "title",
    "start_on",
    "end_on",
    "away",
    "department_id",
    "plan_id",
    "purpose",
    "summary",
    "budget",
)
PLAN_FIELDS = ("year", "quarter", "title", "kind_id", "regions", "department_id", "leader_id", "notes")
TEXT_LIMITS = {"title": 200, "purpose": 5000, "summary": 10000}
MAX_REGIONS = 20
REGION_LENGTH = 50
_REGION_SPLIT = re.compile(r"[、,，;；/／\s]+")


def parse_regions(raw: Any) -> list[str]:
    """上海、深圳，广州 / a list → ["上海", "深圳", "广州"] (in order, once each)."""
    parts = raw if isinstance(raw, (list, tuple)) else _REGION_SPLIT.split(str(raw or ""))
    names: list[str] = []
    for part in parts:
        name = str(part or "").strip()
        if not name or name in names:
            continue
        if len(name) > REGION_LENGTH:
            raise ActivityError(_("地区名称「%(name)s」过长（最多 50 字）。", name=name[:20]), "regions")
        names.append(name)
    if len(names) > MAX_REGIONS:
        raise ActivityError(_("地区最多填写 20 个。"), "regions")
    return names


def _text(data: dict[str, Any], name: str) -> str | None:
    text = str(data.get(name) or "").strip()
    limit = TEXT_LIMITS[name]
    if len(text) > limit:
        raise ActivityError(_("内容过长（最多 %(n)s 字）。", n=limit), name)
    return text or None


def _kind(kind_id: Any, current: int | None, *, required: bool = True) -> int | None:
    if not kind_id:
        if required:
            raise ActivityError(_("请选择活动类型。"), "kind_id")
        return None
    kind = db.session.get(RefItem, kind_id)
    if kind is None or kind.kind is not RefKind.ACTIVITY_KIND or (not kind.active and kind.id != current):
        raise ActivityError(_("请选择活动类型。"), "kind_id")
    return kind.id


def _department(department_id: Any, actor: User, current: int | None) -> int:
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or (not department.active and department.id != current):
        raise ActivityError(_("请选择组织部门。"), "department_id")
    allowed = activity_departments(actor)
    if allowed is not None and department.id not in allowed and department.id != current:
        raise ActivityError(_("只能为您数据范围内的部门登记。"), "department_id")
    return department.id


def _users(ids: Iterable[Any] | None, current: Iterable[User], field: str) -> list[User]:
    try:
        wanted = sorted({int(i) for i in ids or []})
    except (TypeError, ValueError):
        raise ActivityError(_("所选人员不存在或已停用，请重新选择。"), field) from None
    if not wanted:
        return []
    users = db.session.scalars(sa.select(User).where(User.id.in_(wanted))).all()
    kept = {u.id for u in current}
    if len(users) != len(wanted) or any(not u.active and u.id not in kept for u in users):
        raise ActivityError(_("所选人员不存在或已停用，请重新选择。"), field)
    return sorted(users, key=lambda u: u.name)


def _dates(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if start is None:
        raise ActivityError(_("请填写开始日期。"), "start_on")
    end = end or start
    if start < dt.date(2000, 1, 1):
        raise ActivityError(_("开始日期有误，请核对。"), "start_on")
    if end < start:
        raise ActivityError(_("结束日期不能早于开始日期。"), "end_on")
    if start > clock.today() + dt.timedelta(days=366):
        raise ActivityError(_("开始日期不能晚于一年以后。"), "start_on")
    if (end - start).days > 365:
        raise ActivityError(_("一次活动不能超过一年，请核对日期。"), "end_on")
    return start, end


def _budget(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ActivityError(_("请输入数字金额（万元）。"), "budget") from None
    if not amount.is_finite() or amount < 0:
        raise ActivityError(_("金额不能为负数。"), "budget")
    return amount


def _plan(plan_id: Any, actor: User, start: dt.date, current: int | None) -> int | None:
    if not plan_id:
        return None
    plan = db.session.get(ActivityPlan, plan_id)
    if plan is None or (
        plan.id != current and (plan.archived_at is not None or not can_view_activity_plan(actor, plan))
    ):
        raise ActivityError(_("所选招商计划不存在或您无权查看。"), "plan_id")
    if plan.year != start.year:
        raise ActivityError(
            _("所选招商计划属于 %(plan)s 年，活动开始于 %(year)s 年。", plan=plan.year, year=start.year), "plan_id"
        )
    return plan.id


def _clean(data: dict[str, Any], actor: User, activity: Activity | None) -> dict[str, Any]:
    values: dict[str, Any] = {name: _text(data, name) for name in TEXT_LIMITS}
    if not values["title"]:
        raise ActivityError(_("请填写活动名称。"), "title")
    values["kind_id"] = _kind(data.get("kind_id"), activity.kind_id if activity else None)
    values["start_on"], values["end_on"] = _dates(data.get("start_on"), data.get("end_on"))
    values["away"] = bool(data.get("away"))
    values["department_id"] = _department(
        data.get("department_id"), actor, activity.department_id if activity else None
    )
    values["plan_id"] = _plan(data.get("plan_id"), actor, values["start_on"], activity.plan_id if activity else None)
    values["budget"] = _budget(data.get("budget"))
    return values


def _people(data: dict[str, Any], activity: Activity | None) -> tuple[list[User], list[User]]:
    leaders = _users(data.get("leader_ids"), activity.leaders if activity else [], "leader_ids")
    if not leaders:
        raise ActivityError(_("请选择带队领导。"), "leader_ids")
    leader_ids = {u.id for u in leaders}
    participants = _users(data.get("participant_ids"), activity.participants if activity else [], "participant_ids")
    return leaders, [u for u in participants if u.id not in leader_ids]


def _set_regions(activity: Activity, names: list[str]) -> None:
    kept = {r.name: r for r in activity.regions}
    activity.regions = [kept.get(name) or ActivityRegion(name=name) for name in names]
    for position, region in enumerate(activity.regions):
        region.position = position


def _state(activity: Activity) -> dict[str, Any]:
    return {
        **audit.snapshot(activity, ACTIVITY_FIELDS),
        "regions": activity.region_names,
        "leaders": [u.id for u in activity.leaders],
        "participants": [u.id for u in activity.participants],
    }


def create_activity(data: dict[str, Any], actor: User) -> Activity:
    """A new activity (the caller checked `can_create_activity`; re-checked)."""
    if not can_create_activity(actor):
        raise ActivityError(_("您没有权限登记招商活动。"))
    values = _clean(data, actor, None)
    regions = parse_regions(data.get("regions"))
    leaders, participants = _people(data, None)
    activity = Activity(created_by_id=actor.id, **values)
    activity.leaders, activity.participants = leaders, participants
    _set_regions(activity, regions)
    db.session.add(activity)
    db.session.flush()
    audit.record("create", "activity", activity.id, changes=_state(activity), summary=activity.title, user_id=actor.id)
    return activity


def update_activity(activity: Activity, data: dict[str, Any], actor: User, *, version: Any) -> Activity:
    """Save an edit made on `version` (StaleEdit when someone saved between)."""
    check_version(activity, "activity", version)
    values = _clean(data, actor, activity)
    regions = parse_regions(data.get("regions"))
    leaders, participants = _people(data, activity)
    before = _state(activity)
    for name, value in values.items():
        setattr(activity, name, value)
    activity.leaders, activity.participants = leaders, participants
    _set_regions(activity, regions)
    changes = audit.diff(before, _state(activity))
    if changes:
        activity.updated_at = utcnow()  # the version moves even when only the lists changed
        db.session.flush()
        audit.record("update", "activity", activity.id, changes=changes, summary=activity.title, user_id=actor.id)
    return activity


def edit_data(activity: Activity) -> dict[str, Any]:
    """The activity as its form shows it (what an API PATCH changes part of)."""
    return {
        **{name: getattr(activity, name) for name in ACTIVITY_FIELDS},
        "regions": activity.region_names,
        "leader_ids": [u.id for u in activity.leaders],
        "participant_ids": [u.id for u in activity.participants],
    }


def archive_activity(activity: Activity, actor: User, *, version: Any) -> None:
    """Archive an activity entered by mistake. Its visits, leads and
    projects keep their link (an archived activity counts nowhere)."""
    check_version(activity, "activity", version)
    if activity.archived_at is not None:
        raise ActivityError(_("该活动已归档。"))
    activity.archived_at = utcnow()
    db.session.flush()
    audit.record("archive", "activity", activity.id, summary=activity.title, user_id=actor.id)


# --- 招商计划 ----------------------------------------------------------------------------


def _plan_values(data: dict[str, Any], actor: User, plan: ActivityPlan | None) -> dict[str, Any]:
    title = str(data.get("title") or "").strip()
    if not title:
        raise ActivityError(_("请填写计划名称。"), "title")
    if len(title) > 200:
        raise ActivityError(_("内容过长（最多 %(n)s 字）。", n=200), "title")
    try:
        year = int(data.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ActivityError(_("请填写年度。"), "year")
    quarter = data.get("quarter") or None
    if quarter is not None and str(quarter) not in ("1", "2", "3", "4"):
        raise ActivityError(_("季度须为 1–4。"), "quarter")
    regions = "、".join(parse_regions(data.get("regions"))) or None
    leader_id = data.get("leader_id") or None
    if leader_id is not None:
        leader = db.session.get(User, leader_id)
        if leader is None or (not leader.active and leader.id != (plan.leader_id if plan else None)):
            raise ActivityError(_("所选人员不存在或已停用，请重新选择。"), "leader_id")
    notes = str(data.get("notes") or "").strip() or None
    if notes and len(notes) > 5000:
        raise ActivityError(_("内容过长（最多 %(n)s 字）。", n=5000), "notes")
    return {
        "year": year,
        "quarter": int(quarter) if quarter is not None else None,
        "title": title,
        "kind_id": _kind(data.get("kind_id"), plan.kind_id if plan else None, required=False),
        "regions": regions,
        "department_id": _department(data.get("department_id"), actor, plan.department_id if plan else None),
        "leader_id": leader_id,
        "notes": notes,
    }


def _industries(ids: Iterable[Any] | None, current: Iterable[RefItem]) -> list[RefItem]:
    try:
        wanted = sorted({int(i) for i in ids or []})
    except (TypeError, ValueError):
        raise ActivityError(_("请选择产业类别。"), "industry_ids") from None
    if not wanted:
        return []
    items = db.session.scalars(sa.select(RefItem).where(RefItem.id.in_(wanted))).all()
    kept = {i.id for i in current}
    if len(items) != len(wanted) or any(
        i.kind is not RefKind.INDUSTRY or (not i.active and i.id not in kept) for i in items
    ):
        raise ActivityError(_("请选择产业类别。"), "industry_ids")
    return sorted(items, key=lambda i: i.sort_order)


def _plan_state(plan: ActivityPlan) -> dict[str, Any]:
    return {**audit.snapshot(plan, PLAN_FIELDS), "industries": [i.id for i in plan.industries]}


def create_plan(data: dict[str, Any], actor: User) -> ActivityPlan:
    values = _plan_values(data, actor, None)
    plan = ActivityPlan(created_by_id=actor.id, **values)
    plan.industries = _industries(data.get("industry_ids"), [])
    db.session.add(plan)
    db.session.flush()
    audit.record("create", "activity_plan", plan.id, changes=_plan_state(plan), summary=plan.title, user_id=actor.id)
    return plan


def update_plan(plan: ActivityPlan, data: dict[str, Any], actor: User, *, version: Any) -> ActivityPlan:
    check_version(plan, "activity_plan", version)
    values = _plan_values(data, actor, plan)
    if values["year"] != plan.year and any(a.archived_at is None for a in plan.activities):
        raise ActivityError(_("该计划已有活动实施，不能改变年度。"), "year")
    before = _plan_state(plan)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.industries = _industries(data.get("industry_ids"), plan.industries)
    changes = audit.diff(before, _plan_state(plan))
    if changes:
        plan.updated_at = utcnow()
        db.session.flush()
        audit.record("update", "activity_plan", plan.id, changes=changes, summary=plan.title, user_id=actor.id)
    return plan


def archive_plan(plan: ActivityPlan, actor: User, *, version: Any) -> None:
    check_version(plan, "activity_plan", version)
    if plan.archived_at is not None:
        raise ActivityError(_("该计划已归档。"))
    plan.archived_at = utcnow()
    db.session.flush()
    audit.record("archive", "activity_plan", plan.id, summary=plan.title, user_id=actor.id)
