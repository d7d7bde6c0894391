"""观摩评比: the rules of every change to a review event, each written with
its audit row in the caller's transaction (flush, never commit).

- the event (name, date, kind, drop-extremes option, notes) is the admin's;
- the scoring sheet (criteria and weights) is fixed once the first score is
  in — a score is only comparable with the others under the same sheet;
- a project visited or a reviewer is removed only while they have no
  scores (nothing is silently thrown away);
- a reviewer scores a project on every criterion at once (0–100, at most 2
  decimals), again as often as they like while the event is open;
- closing the event locks it: every later change, a score included, is
  refused (`ReviewLocked`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import flag_modified

from app import audit, clock
from app.concurrency import check_version
from app.db import db
from app.models import (
    Project,
    ReviewCriterion,
    ReviewEvent,
    ReviewProject,
    ReviewScore,
    ReviewStatus,
    Stage,
    User,
)
from app.permissions.reviews import is_reviewer
from app.refusals import Refusal

EVENT_FIELDS = ("name", "held_on", "kind", "drop_extremes", "notes")
KINDS = ("百日攻坚观摩", "季度项目观摩", "半年项目观摩", "年度项目观摩")
DEFAULT_CRITERIA = (
    ("投资规模", Decimal(30)),
    ("建设进度", Decimal(30)),
    ("科技含量", Decimal(20)),
    ("带动作用", Decimal(20)),
)
MAX_SCORE = Decimal(100)
MAX_WEIGHT = Decimal(1000)


class ReviewError(Refusal):
    """A refused change to a review event; `field` names the form field."""


class ReviewLocked(ReviewError):  # noqa: N818 - a refusal, named for what the user meets
    """The event is closed: its scores and sheet are locked."""

    status = 409


def _open(event: ReviewEvent) -> None:
    if not event.is_open:
        raise ReviewLocked(_("「%(name)s」已结束，评分已锁定，不能再修改。", name=event.name))


def _has_scores(event: ReviewEvent, **where: Any) -> bool:
    conditions = [ReviewScore.event_id == event.id, *(getattr(ReviewScore, k) == v for k, v in where.items())]
    return db.session.scalar(sa.select(sa.exists().where(*conditions))) or False


def _record(event: ReviewEvent, action: str, changes: dict[str, Any], actor: User, summary: str | None = None) -> None:
    audit.record(action, "review_event", event.id, changes=changes, summary=summary or event.name, user_id=actor.id)


# --- the event ------------------------------------------------------------------------------


def _event_data(data: Mapping[str, Any]) -> dict[str, Any]:
    name = (data.get("name") or "").strip()
    if not name:
        raise ReviewError(_("请填写观摩名称。"), "name")
    kind = (data.get("kind") or "").strip()
    if not kind:
        raise ReviewError(_("请填写观摩类型。"), "kind")
    if data.get("held_on") is None:
        raise ReviewError(_("请填写观摩日期。"), "held_on")
    return {
        "name": name[:200],
        "held_on": data["held_on"],
        "kind": kind[:50],
        "drop_extremes": bool(data.get("drop_extremes")),
        "notes": (data.get("notes") or "").strip() or None,
    }


def create_event(data: Mapping[str, Any], actor: User, *, default_sheet: bool = True) -> ReviewEvent:
    """A new open event; with `default_sheet` its sheet starts with the
    usual four criteria (投资规模 30, 建设进度 30, 科技含量 20, 带动作用 20),
    which the admin may change until the first score."""
    values = _event_data(data)
    event = ReviewEvent(**values, status=ReviewStatus.OPEN, created_by_id=actor.id)
    db.session.add(event)
    if default_sheet:
        for position, (name, weight) in enumerate(DEFAULT_CRITERIA):
            event.criteria.append(ReviewCriterion(name=name, weight=weight, position=position))
    db.session.flush()
    changes: dict[str, Any] = audit.snapshot(event, EVENT_FIELDS)
    if event.criteria:
        changes["criteria"] = [f"{c.name} {c.weight}" for c in event.criteria]
    _record(event, "create", changes, actor)
    return event


def update_event(event: ReviewEvent, data: Mapping[str, Any], actor: User, *, version: Any) -> ReviewEvent:
    check_version(event, "review_event", version)
    _open(event)
    before = audit.snapshot(event, EVENT_FIELDS)
    for key, value in _event_data(data).items():
        setattr(event, key, value)
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(event, EVENT_FIELDS))
    if changes:
        _record(event, "update", changes, actor)
    return event


def close_event(event: ReviewEvent, actor: User, *, version: Any = None) -> ReviewEvent:
    """结束评分: the scores lock; the results are published."""
    if version is not None:
        check_version(event, "review_event", version)
    _open(event)
    if not _has_scores(event):
        raise ReviewError(_("「%(name)s」还没有任何评分，不能结束。", name=event.name))
    event.status, event.closed_at, event.closed_by_id = ReviewStatus.CLOSED, clock.utcnow(), actor.id
    db.session.flush()
    _record(event, "status", {"status": [ReviewStatus.OPEN.value, ReviewStatus.CLOSED.value]}, actor)
    return event


def _touch(event: ReviewEvent) -> None:
    """A new version for a change of the event's parts (sheet, projects,
    reviewers), so an edit form read before it is stale."""
    flag_modified(event, "name")


# --- the scoring sheet ------------------------------------------------------------------------


def parse_weight(raw: Any) -> Decimal:
    try:
        weight = Decimal(str(raw).strip()) if raw not in (None, "") else None
    except InvalidOperation:
        weight = None
    if weight is None or not weight.is_finite() or weight <= 0 or weight > MAX_WEIGHT:
        raise ReviewError(_("权重须为大于 0、不超过 1000 的数字。"), "weight")
    if weight.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ReviewError(_("权重最多保留 2 位小数。"), "weight")
    return weight


def _sheet_open(event: ReviewEvent) -> None:
    _open(event)
    if _has_scores(event):
        raise ReviewError(_("已有评委评分，评分表（指标和权重）不能再改动。"))


def add_criterion(event: ReviewEvent, name: str | None, weight: Any, actor: User) -> ReviewCriterion:
    _sheet_open(event)
    name = (name or "").strip()[:50]
    if not name:
        raise ReviewError(_("请填写评分指标名称。"), "name")
    if any(c.name == name for c in event.criteria):
        raise ReviewError(_("评分表中已有「%(name)s」。", name=name), "name")
    value = parse_weight(weight)
    position = max((c.position for c in event.criteria), default=-1) + 1
    criterion = ReviewCriterion(name=name, weight=value, position=position)
    event.criteria.append(criterion)
    _touch(event)
    db.session.flush()
    _record(event, "update", {"criteria_added": f"{name} {value}"}, actor)
    return criterion


def remove_criterion(event: ReviewEvent, criterion: ReviewCriterion, actor: User) -> None:
    _sheet_open(event)
    if criterion.event_id != event.id:
        raise ReviewError(_("评分指标不存在。"))
    event.criteria.remove(criterion)
    _touch(event)
    db.session.flush()
    _record(event, "update", {"criteria_removed": f"{criterion.name} {criterion.weight}"}, actor)


# --- projects and reviewers -----------------------------------------------------------------


def add_project(event: ReviewEvent, project_id: Any, actor: User) -> ReviewProject:
    """A project of the library joins the visit; its lead department is
    kept as it is today."""
    _open(event)
    project = db.session.get(Project, project_id) if project_id else None
    if project is None or project.archived_at is not None or project.stage is Stage.EXITED:
        raise ReviewError(_("请从项目库中选择观摩项目（未退出的项目）。"), "project_id")
    if any(item.project_id == project.id for item in event.projects):
        raise ReviewError(_("「%(name)s」已在观摩项目中。", name=project.name), "project_id")
    position = max((item.position for item in event.projects), default=-1) + 1
    item = ReviewProject(project=project, department_id=project.lead_department_id, position=position)
    event.projects.append(item)
    _touch(event)
    db.session.flush()
    _record(event, "update", {"projects_added": project.name}, actor)
    return item


def remove_project(event: ReviewEvent, item: ReviewProject, actor: User) -> None:
    _open(event)
    if item.event_id != event.id:
        raise ReviewError(_("观摩项目不存在。"))
    if _has_scores(event, item_id=item.id):
        raise ReviewError(_("「%(name)s」已有评分，不能移出观摩。", name=item.project.name))
    name = item.project.name
    event.projects.remove(item)
    _touch(event)
    db.session.flush()
    _record(event, "update", {"projects_removed": name}, actor)


def add_reviewer(event: ReviewEvent, user_id: Any, actor: User) -> User:
    _open(event)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        raise ReviewError(_("请选择评委（启用的用户）。"), "user_id")
    if is_reviewer(user, event):
        raise ReviewError(_("%(name)s 已是评委。", name=user.name), "user_id")
    event.reviewers.append(user)
    _touch(event)
    db.session.flush()
    _record(event, "update", {"reviewers_added": [user.id]}, actor)
    return user


def remove_reviewer(event: ReviewEvent, user: User, actor: User) -> None:
    _open(event)
    if not is_reviewer(user, event):
        raise ReviewError(_("%(name)s 不是本次观摩的评委。", name=user.name))
    if _has_scores(event, reviewer_id=user.id):
        raise ReviewError(_("%(name)s 已评分，不能移出评委。", name=user.name))
    event.reviewers.remove(user)
    _touch(event)
    db.session.flush()
    _record(event, "update", {"reviewers_removed": [user.id]}, actor)


# --- scores ---------------------------------------------------------------------------------


def parse_score(raw: Any, criterion: str) -> Decimal:
    """A score from a form box or a body: 0–100, at most 2 decimals."""
    try:
        value = Decimal(str(raw).strip()) if raw not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None:
        raise ReviewError(_("请为「%(c)s」打分（0–100）。", c=criterion))
    if not value.is_finite() or value < 0 or value > MAX_SCORE:
        raise ReviewError(_("「%(c)s」的分数须在 0–100 之间。", c=criterion))
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ReviewError(_("「%(c)s」的分数最多保留 2 位小数。", c=criterion))
    return value


def save_scores(event: ReviewEvent, item: ReviewProject, reviewer: User, raw: Mapping[int, Any]) -> list[ReviewScore]:
    """The reviewer's scores of one project ({criterion id: score}), every
    criterion of the sheet at once; an earlier sheet of theirs is replaced
    (while the event is open)."""
    _open(event)
    if not is_reviewer(reviewer, event):
        raise ReviewError(_("您不是「%(name)s」的评委，不能评分。", name=event.name), status=403)
    if item.event_id != event.id:
        raise ReviewError(_("该项目不在本次观摩中。"))
    if not event.criteria:
        raise ReviewError(_("评分表还没有评分指标，请联系管理员。"))
    known = {c.id for c in event.criteria}
    unknown = set(raw) - known
    if unknown:
        raise ReviewError(
            _("评分指标不存在（编号 %(ids)s），请刷新页面后重试。", ids=", ".join(map(str, sorted(unknown))))
        )
    values = {c.id: parse_score(raw.get(c.id), c.name) for c in event.criteria}
    existing = {
        s.criterion_id: s
        for s in db.session.scalars(
            sa.select(ReviewScore).where(ReviewScore.item_id == item.id, ReviewScore.reviewer_id == reviewer.id)
        )
    }
    now = clock.utcnow()
    changes: dict[str, Any] = {}
    saved = []
    for criterion in event.criteria:
        value = values[criterion.id]
        score = existing.get(criterion.id)
        if score is None:
            score = ReviewScore(
                event_id=event.id, item_id=item.id, reviewer_id=reviewer.id, criterion_id=criterion.id, score=value
            )
            db.session.add(score)
            changes[criterion.name] = str(value)
        elif score.score != value:
            changes[criterion.name] = [str(score.score), str(value)]
            score.score = value
        score.scored_at = now
        saved.append(score)
    db.session.flush()
    if changes:
        audit.record(
            "score",
            "review_event",
            event.id,
            changes={"project_id": item.project_id, **changes},
            summary=_("%(event)s：%(project)s 评分", event=event.name, project=item.project.name),
            user_id=reviewer.id,
        )
    return saved
