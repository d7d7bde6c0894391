"""招商活动 over the API: the list (filters by period — an activity counts
when it *starts* in it, as in the report — kind, 带队领导, organising
department and region, always within the caller's scope), one activity with
what it produced (`app.activities.outcomes`, the numbers its page shows),
recording one and editing it with its version — through
`app.activities.services` and the checks of `app.permissions.activities`.
Archiving stays on the page (no other resource archives over the API)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy import orm

from app.activities import outcomes, services
from app.activities.queries import ActivityFilters
from app.activity_links import ActivityError
from app.api import bp
from app.api.activity_schemas import ActivityIn, ActivityOut, ActivityQuery, ActivityUpdate, activity_out
from app.api.common import forbid_unless, saving
from app.api.core import ApiError, operation
from app.api.schemas import Page
from app.db import db
from app.lookups import ref_choices
from app.models import Activity, RefItem, RefKind, Role
from app.pagination import paginate
from app.permissions import can_create_activity, get_editable_or_403, get_visible_or_404

TAG = "招商活动"
# Who records activities (`can_create_activity`), checked before the body is read.
CREATORS = (Role.ADMIN, Role.STAFF)
LOADED = (
    orm.joinedload(Activity.kind),
    orm.joinedload(Activity.department),
    orm.selectinload(Activity.leaders),
    orm.selectinload(Activity.participants),
    orm.selectinload(Activity.regions),
)


def _unprocessable(field: str, message: str) -> ApiError:
    return ApiError(422, message, {field: message})


def _kind_id(name: str | None, kind_id: int | None, *, current: int | None = None) -> int | None:
    """The kind named by `kind` (its exact name) and/or `kind_id`, among the
    active kinds (and the activity's own, kept when since disabled)."""
    if name is None and kind_id is None:
        return None
    choices = ref_choices(RefKind.ACTIVITY_KIND, blank=None, include_id=current)
    if name is not None:
        by_name = {label: ident for ident, label in choices}
        if name not in by_name:
            known = "、".join(by_name)
            raise _unprocessable("kind", f"没有名为『{name}』的活动类型，可选：{known}。")
        if kind_id is not None and kind_id != by_name[name]:
            raise _unprocessable("kind", "kind 与 kind_id 不是同一个活动类型，请只提交其中一个。")
        return by_name[name]
    if kind_id not in {ident for ident, _label in choices}:
        raise _unprocessable("kind_id", "请选择活动类型（启用的类型）。")
    return kind_id


@contextmanager
def _fields(kind_sent: bool) -> Iterator[None]:
    """A refusal names a body field: the service's `kind_id` is the body's
    `kind` when the kind was sent by name."""
    try:
        yield
    except ActivityError as exc:
        if exc.field == "kind_id" and kind_sent:
            exc.field = "kind"
        raise


def _one(activity: Activity) -> ActivityOut:
    return activity_out(activity, outcomes.outcomes_for([activity.id])[activity.id])


def _filter_kind(query: ActivityQuery) -> int | None:
    """The kind filter: by name (a retired kind too — a list may look back
    at activities of a kind no longer offered) or by id."""
    if query.kind is None:
        return query.kind_id
    kind = db.session.scalar(
        sa.select(RefItem.id).where(RefItem.kind == RefKind.ACTIVITY_KIND, RefItem.name == query.kind)
    )
    if kind is None or (query.kind_id is not None and query.kind_id != kind):
        raise _unprocessable("kind", f"没有名为『{query.kind}』的活动类型。")
    return kind


@operation(
    bp,
    "GET",
    "/activities",
    summary="招商活动列表（按开始日期从新到旧；您数据范围内的、您带队或参加的活动），含各活动的成果",
    tag=TAG,
    query=ActivityQuery,
    response=Page[ActivityOut],
)
def list_activities(query: ActivityQuery):
    if query.start and query.end and query.start > query.end:
        raise _unprocessable("end", "结束日期不能早于开始日期。")
    filters = ActivityFilters(
        kind_id=_filter_kind(query),
        leader_id=query.leader_id,
        department_id=query.department_id,
        region=query.region or "",
        start=query.start,
        end=query.end,
    )
    conditions = filters.conditions(current_user)
    stmt = (
        sa.select(Activity).where(*conditions).options(*LOADED).order_by(Activity.start_on.desc(), Activity.id.desc())
    )
    count = sa.select(sa.func.count(Activity.id)).where(*conditions)
    page = paginate(stmt, query.page, query.per_page, count=count)
    produced = outcomes.outcomes_for([a.id for a in page.items])
    return Page[ActivityOut](
        items=[activity_out(a, produced[a.id]) for a in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@operation(
    bp,
    "GET",
    "/activities/<int:activity_id>",
    summary="招商活动详情，含成果：考察企业、走访、线索、洽谈项目、签约项目及金额（与活动页面相同）",
    tag=TAG,
    response=ActivityOut,
    errors=(404,),
)
def get_activity(activity_id: int):
    return _one(get_visible_or_404(Activity, activity_id, options=LOADED))


@operation(
    bp,
    "POST",
    "/activities",
    summary="登记招商活动（管理员、招商人员；组织部门在您的数据范围内）",
    tag=TAG,
    body=ActivityIn,
    response=ActivityOut,
    status=201,
    roles=CREATORS,
    errors=(403, 422),
)
def create_activity(body: ActivityIn):
    forbid_unless(can_create_activity(current_user), "您没有权限登记招商活动（限管理员、招商人员）。")
    if body.kind is None and body.kind_id is None:
        raise _unprocessable("kind", "请填写活动类型：kind（名称）或 kind_id。")
    data: dict[str, Any] = body.model_dump(exclude={"kind"})
    data["kind_id"] = _kind_id(body.kind, body.kind_id)
    if data["department_id"] is None:
        data["department_id"] = current_user.department_id
    with saving(), _fields(body.kind is not None):
        if body.away is None:  # a trip names where it went; a local event none
            data["away"] = bool(services.parse_regions(body.regions))
        activity = services.create_activity(data, current_user)
    return _one(activity), 201


@operation(
    bp,
    "PATCH",
    "/activities/<int:activity_id>",
    summary="修改招商活动（带 version；只改提交的字段）",
    tag=TAG,
    body=ActivityUpdate,
    response=ActivityOut,
    errors=(403, 404, 409, 422),
)
def update_activity(activity_id: int, body: ActivityUpdate):
    activity = get_editable_or_403(Activity, activity_id, options=LOADED, message="您没有权限修改该招商活动。")
    changes = body.model_dump(exclude_unset=True, exclude={"version", "kind"})
    data = {**services.edit_data(activity), **changes}
    if {"kind", "kind_id"} & body.model_fields_set:
        kind_id = _kind_id(body.kind, body.kind_id, current=activity.kind_id)
        if kind_id is None:
            raise _unprocessable("kind", "活动类型不能清空。")
        data["kind_id"] = kind_id
    for name in ("leader_ids", "participant_ids"):
        if data.get(name) is None:
            data[name] = []
    with saving(), _fields("kind" in body.model_fields_set):
        services.update_activity(activity, data, current_user, version=body.version)
    return _one(activity)
