"""Chain rules and writes: chains, segments, placing local companies and
projects on segments, target companies, and turning a target into a lead —
each write with its audit row in the caller's transaction (flush, never
commit). Permissions are checked by the surfaces (`app/permissions/chains.py`);
the services check the data.

A target becomes a lead through `leads.services.create_lead` (one step: the
company, the 撞单 warning and the lead's audit as for any lead); the lead
remembers the chain and the target, the target links the company record and
moves from 未对接 to 跟进中."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.companies.names import normalize_company_name
from app.concurrency import check_version
from app.db import db
from app.leads.services import create_lead
from app.models import (
    Chain,
    ChainSegment,
    Company,
    Department,
    Lead,
    Project,
    RefItem,
    RefKind,
    Role,
    SegmentCompany,
    SegmentProject,
    SegmentStage,
    TargetCompany,
    TargetPriority,
    TargetStatus,
    User,
)
from app.refusals import Refusal

CHAIN_FIELDS = ("name", "chain_leader_id", "department_id", "description", "sort_order")
SEGMENT_FIELDS = ("name", "stage", "parent_id", "sort_order", "description")
TARGET_FIELDS = (
    "name",
    "company_id",
    "chain_id",
    "segment_id",
    "tier_id",
    "region",
    "reason",
    "priority",
    "department_id",
    "status",
)


class ChainError(Refusal):
    """A refused chain, segment, placement or target change."""


def _text(data: dict[str, Any], name: str, limit: int, *, required: str | None = None) -> str | None:
    """A stripped text field (None when blank; one line unless a long text)."""
    raw = str(data.get(name) or "").replace("\x00", "")
    text = raw.strip() if name in ("description", "reason") else " ".join(raw.split())
    if len(text) > limit:
        raise ChainError(_("不能超过 %(n)d 个字符。", n=limit), name)
    if not text and required:
        raise ChainError(required, name)
    return text or None


def _department(department_id: Any, field: str, *, current: int | None = None) -> int | None:
    if not department_id:
        return None
    department = db.session.get(Department, int(department_id))
    if department is None or (not department.active and department.id != current):
        raise ChainError(_("所选部门不存在或已停用。"), field)
    return department.id


# --- chains ---------------------------------------------------------------------------


def _chain_values(data: dict[str, Any], chain: Chain | None) -> dict[str, Any]:
    values: dict[str, Any] = {"name": _text(data, "name", 100, required=_("请填写产业链名称。"))}
    clash = db.session.scalar(
        sa.select(Chain.id).where(Chain.name == values["name"], Chain.id != (chain.id if chain else 0))
    )
    if clash:
        raise ChainError(_("已有名为「%(name)s」的产业链。", name=values["name"]), "name")
    leader_id = data.get("chain_leader_id") or None
    if leader_id:
        leader = db.session.get(User, int(leader_id))
        unchanged = chain is not None and chain.chain_leader_id == leader_id
        if leader is None or leader.role is not Role.LEADER or (not leader.active and not unchanged):
            raise ChainError(_("链长须为在岗的领导。"), "chain_leader_id")
    values["chain_leader_id"] = leader_id
    values["department_id"] = _department(
        data.get("department_id"), "department_id", current=chain.department_id if chain else None
    )
    values["description"] = _text(data, "description", 5000)
    values["sort_order"] = int(data.get("sort_order") or 0)
    return values


def create_chain(data: dict[str, Any], actor: User) -> Chain:
    chain = Chain(created_by_id=actor.id, **_chain_values(data, None))
    db.session.add(chain)
    db.session.flush()
    audit.record("create", "chain", chain.id, changes=audit.snapshot(chain, CHAIN_FIELDS), summary=chain.name)
    return chain


def update_chain(chain: Chain, data: dict[str, Any], actor: User, *, version: Any) -> Chain:
    check_version(chain, "chain", version)
    before = audit.snapshot(chain, CHAIN_FIELDS)
    for name, value in _chain_values(data, chain).items():
        setattr(chain, name, value)
    changes = audit.diff(before, audit.snapshot(chain, CHAIN_FIELDS))
    if changes:
        db.session.flush()
        audit.record("update", "chain", chain.id, changes=changes, summary=chain.name, user_id=actor.id)
    return chain


# --- segments -------------------------------------------------------------------------


def _segment_values(chain: Chain, data: dict[str, Any], segment: ChainSegment | None) -> dict[str, Any]:
    values: dict[str, Any] = {"name": _text(data, "name", 100, required=_("请填写环节名称。"))}
    try:
        values["stage"] = SegmentStage(data.get("stage") or "")
    except ValueError:
        raise ChainError(_("请选择上游、中游或下游。"), "stage") from None
    parent_id = data.get("parent_id") or None
    if parent_id:
        parent = db.session.get(ChainSegment, int(parent_id))
        if parent is None or parent.chain_id != chain.id:
            raise ChainError(_("上级环节须为本产业链的环节。"), "parent_id")
        ancestor: ChainSegment | None = parent
        while ancestor is not None:
            if segment is not None and ancestor.id == segment.id:
                raise ChainError(_("环节不能挂在自己或自己的下级之下。"), "parent_id")
            ancestor = ancestor.parent
    values["parent_id"] = parent_id
    siblings = sa.select(ChainSegment.id).where(
        ChainSegment.chain_id == chain.id,
        ChainSegment.name == values["name"],
        ChainSegment.parent_id.is_(None) if parent_id is None else ChainSegment.parent_id == parent_id,
        ChainSegment.id != (segment.id if segment else 0),
    )
    if db.session.scalar(siblings):
        raise ChainError(_("同一级已有名为「%(name)s」的环节。", name=values["name"]), "name")
    values["sort_order"] = int(data.get("sort_order") or 0)
    values["description"] = _text(data, "description", 2000)
    return values


def add_segment(chain: Chain, data: dict[str, Any], actor: User) -> ChainSegment:
    segment = ChainSegment(chain_id=chain.id, **_segment_values(chain, data, None))
    db.session.add(segment)
    db.session.flush()
    audit.record(
        "create",
        "chain_segment",
        segment.id,
        changes=audit.snapshot(segment, SEGMENT_FIELDS),
        summary=f"{chain.name}·{segment.name}",
        user_id=actor.id,
    )
    return segment


def update_segment(segment: ChainSegment, data: dict[str, Any], actor: User) -> ChainSegment:
    before = audit.snapshot(segment, SEGMENT_FIELDS)
    for name, value in _segment_values(segment.chain, data, segment).items():
        setattr(segment, name, value)
    changes = audit.diff(before, audit.snapshot(segment, SEGMENT_FIELDS))
    if changes:
        db.session.flush()
        audit.record("update", "chain_segment", segment.id, changes=changes, summary=segment.name, user_id=actor.id)
    return segment


# --- placements -----------------------------------------------------------------------


def place_company(
    segment: ChainSegment,
    company: Company,
    actor: User,
    *,
    chain_master: bool = False,
    placed_on: dt.date | None = None,
) -> SegmentCompany:
    """Put a local company (本地企业) on a segment; placing it again updates
    its 链主企业 flag."""
    if company.archived_at is not None or company.merged_into_id is not None:
        raise ChainError(_("所选企业已归档或已合并。"), "company_id")
    placed_on = placed_on or clock.today()
    if placed_on > clock.today():
        raise ChainError(_("日期不能晚于今天。"), "placed_on")
    placement = db.session.scalar(
        sa.select(SegmentCompany).where(
            SegmentCompany.segment_id == segment.id, SegmentCompany.company_id == company.id
        )
    )
    if placement is None:
        placement = SegmentCompany(
            segment_id=segment.id, company_id=company.id, placed_on=placed_on, created_by_id=actor.id
        )
        db.session.add(placement)
    placement.is_chain_master = chain_master
    db.session.flush()
    audit.record(
        "place_company",
        "chain_segment",
        segment.id,
        changes={"company_id": [None, company.id], "is_chain_master": [None, chain_master]},
        summary=f"{segment.name}：{company.name}",
        user_id=actor.id,
    )
    return placement


def place_project(segment: ChainSegment, project: Project, actor: User) -> SegmentProject:
    if project.archived_at is not None:
        raise ChainError(_("所选项目已归档。"), "project_id")
    placement = db.session.scalar(
        sa.select(SegmentProject).where(
            SegmentProject.segment_id == segment.id, SegmentProject.project_id == project.id
        )
    )
    if placement is not None:
        raise ChainError(_("该项目已在此环节上。"), "project_id")
    placement = SegmentProject(segment_id=segment.id, project_id=project.id, created_by_id=actor.id)
    db.session.add(placement)
    db.session.flush()
    audit.record(
        "place_project",
        "chain_segment",
        segment.id,
        changes={"project_id": [None, project.id]},
        summary=f"{segment.name}：{project.name}",
        user_id=actor.id,
    )
    return placement


def remove_placement(placement: SegmentCompany | SegmentProject, actor: User) -> None:
    field = "company_id" if isinstance(placement, SegmentCompany) else "project_id"
    audit.record(
        "remove_placement",
        "chain_segment",
        placement.segment_id,
        changes={field: [getattr(placement, field), None]},
        user_id=actor.id,
    )
    db.session.delete(placement)
    db.session.flush()


# --- target companies -----------------------------------------------------------------


def company_by_name(name: str) -> Company | None:
    """The live company on file bearing this very name (normalized), if one."""
    normalized = normalize_company_name(name)
    if not normalized:
        return None
    return db.session.scalar(
        sa.select(Company)
        .where(
            Company.normalized_name == normalized,
            Company.archived_at.is_(None),
            Company.merged_into_id.is_(None),
        )
        .order_by(Company.id)
        .limit(1)
    )


def _target_values(data: dict[str, Any], target: TargetCompany | None) -> dict[str, Any]:
    values: dict[str, Any] = {"name": _text(data, "name", 200, required=_("请填写目标企业名称。"))}
    chain = db.session.get(Chain, int(data["chain_id"])) if data.get("chain_id") else None
    if chain is None or (chain.archived_at is not None and (target is None or target.chain_id != chain.id)):
        raise ChainError(_("请选择产业链。"), "chain_id")
    values["chain_id"] = chain.id
    segment_id = data.get("segment_id") or None
    if segment_id:
        segment = db.session.get(ChainSegment, int(segment_id))
        if segment is None or segment.chain_id != chain.id:
            raise ChainError(_("环节须为所选产业链的环节。"), "segment_id")
    values["segment_id"] = segment_id
    tier_id = data.get("tier_id") or None
    if tier_id:
        tier = db.session.get(RefItem, int(tier_id))
        if (
            tier is None
            or tier.kind is not RefKind.TIER
            or (not tier.active and (target is None or target.tier_id != tier_id))
        ):
            raise ChainError(_("所选企业类型不存在或不可选。"), "tier_id")
    values["tier_id"] = tier_id
    values["region"] = _text(data, "region", 100)
    values["reason"] = _text(data, "reason", 2000)
    try:
        values["priority"] = TargetPriority(data.get("priority") or TargetPriority.MEDIUM.value)
    except ValueError:
        raise ChainError(_("优先级须为高、中或低。"), "priority") from None
    try:
        values["status"] = TargetStatus(
            data.get("status") or (target.status.value if target else TargetStatus.PENDING.value)
        )
    except ValueError:
        raise ChainError(_("所选状态不存在。"), "status") from None
    values["department_id"] = _department(
        data.get("department_id"), "department_id", current=target.department_id if target else None
    )
    company_id = data.get("company_id") or None
    if company_id:
        company = db.session.get(Company, int(company_id))
        if company is None or company.archived_at is not None:
            raise ChainError(_("所选企业不存在。"), "company_id")
        values["company_id"] = company.id
    elif target is not None and target.company_id and "company_id" not in data:
        values["company_id"] = target.company_id
    else:
        found = company_by_name(values["name"])
        values["company_id"] = found.id if found else None
    return values


def create_target(data: dict[str, Any], actor: User) -> TargetCompany:
    """A target company on a chain (linked to the company on file of the
    very name, when there is one)."""
    target = TargetCompany(created_by_id=actor.id, **_target_values(data, None))
    db.session.add(target)
    db.session.flush()
    audit.record(
        "create",
        "target_company",
        target.id,
        changes=audit.snapshot(target, TARGET_FIELDS),
        summary=target.name,
        user_id=actor.id,
    )
    return target


def update_target(target: TargetCompany, data: dict[str, Any], actor: User, *, version: Any) -> TargetCompany:
    """Save an edit read at `version` (StaleEdit when someone saved since);
    `data` holds the whole target, as the form and `edit_data` give it."""
    check_version(target, "target_company", version)
    before = audit.snapshot(target, TARGET_FIELDS)
    for name, value in _target_values(data, target).items():
        setattr(target, name, value)
    changes = audit.diff(before, audit.snapshot(target, TARGET_FIELDS))
    if changes:
        db.session.flush()
        audit.record("update", "target_company", target.id, changes=changes, summary=target.name, user_id=actor.id)
    return target


def target_edit_data(target: TargetCompany) -> dict[str, Any]:
    return {name: getattr(target, name) for name in TARGET_FIELDS} | {
        "priority": target.priority.value,
        "status": target.status.value,
    }


def lead_data(target: TargetCompany, actor: User, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The lead a target becomes, as the lead form would be filled: the
    company (its record when linked, else its name), 投资意向 naming the
    chain and segment, 招商方式 产业链招商, the actor's department (or the
    target's, when it is in the actor's hands), received today."""
    chain_name = target.chain.name
    where = f"{chain_name}·{target.segment.name}" if target.segment else chain_name
    source_id = db.session.scalar(
        sa.select(RefItem.id).where(
            RefItem.kind == RefKind.SOURCE, RefItem.name == "产业链招商", RefItem.active.is_(True)
        )
    )
    department_id = actor.department_id or target.department_id
    data: dict[str, Any] = {
        "company_id": target.company_id,
        "company_name": target.company.name if target.company else target.name,
        "hq_region": target.region,
        "tier_ids": [target.tier_id] if target.tier_id else [],
        "title": _("%(company)s：%(where)s 招引", company=target.name, where=where)[:200],
        "source_id": source_id,
        "description": target.reason,
        "owner_department_id": department_id,
        "owner_user_id": actor.id if actor.role is Role.STAFF and actor.department_id == department_id else None,
        "received_on": clock.today(),
        "chain_id": target.chain_id,
        "target_id": target.id,
    }
    data.update(extra or {})
    return data


def target_to_lead(
    target: TargetCompany, actor: User, extra: dict[str, Any] | None = None, *, confirm_duplicate: bool = False
) -> Lead:
    """Open a lead on the target in one step (DuplicateWarning, nothing
    saved, when the company must be chosen or its 撞单 confirmed)."""
    if target.archived_at is not None:
        raise ChainError(_("该目标企业已归档。"))
    lead = create_lead(lead_data(target, actor, extra), actor, confirm_duplicate=confirm_duplicate)
    before = audit.snapshot(target, ("company_id", "status"))
    target.company_id = lead.company_id
    if target.status is TargetStatus.PENDING:
        target.status = TargetStatus.FOLLOWING
    changes = audit.diff(before, audit.snapshot(target, ("company_id", "status")))
    db.session.flush()
    audit.record(
        "to_lead",
        "target_company",
        target.id,
        changes={**changes, "lead_id": [None, lead.id]},
        summary=target.name,
        user_id=actor.id,
    )
    return lead
