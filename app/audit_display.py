"""The audit trail as a person reads it (操作记录, the admin's 操作日志): each
field by its Chinese label, a referenced record by its name (linked where
the reader may see it), a reference-list value, a department or a person by
name, statuses and stages by their labels, yes/no for flags, "—" for
nothing. The names behind a page of entries are read in one query per kind
of record, whatever the number of entries.

`entries_for_display(entries, viewer)` is the one function both pages call
(a template global, `readable_audit`)."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.db import db
from app.escalation import Escalation
from app.models import (
    Activity,
    ActivityPlan,
    AgreementKind,
    ApprovalStatus,
    AuditLog,
    Batch,
    Campaign,
    Chain,
    ChainSegment,
    Company,
    ConflictStatus,
    DataScope,
    Department,
    DepartmentKind,
    InspectionKind,
    InspectionStatus,
    Lead,
    LeadStatus,
    ProblemStatus,
    Project,
    ProjectLevel,
    RefItem,
    ReportStatus,
    ReviewStatus,
    Role,
    SegmentStage,
    SigningEvent,
    Stage,
    TargetCompany,
    TargetPriority,
    TargetStatus,
    User,
)
from app.permissions import can_view_activity, can_view_company, can_view_lead, can_view_project

FIELD_LABELS: dict[str, Any] = {
    "active": _l("启用"),
    "activity_id": _l("招商活动"),
    "agreed_investment": _l("协议投资额(万元)"),
    "alias": _l("别名"),
    "amount": _l("金额(万元)"),
    "approved_on": _l("办结日期"),
    "away": _l("外出"),
    "batch": _l("批次"),
    "budget": _l("经费(万元)"),
    "campaign_id": _l("三个一批活动"),
    "category_id": _l("问题类别"),
    "chair_id": _l("主持人"),
    "committed_construction_on": _l("承诺开工日期"),
    "committed_output": _l("承诺产值(万元)"),
    "committed_production_on": _l("承诺投产日期"),
    "committed_tax": _l("承诺税收(万元)"),
    "company_id": _l("企业"),
    "completed": _l("完成投资(万元)"),
    "contact_name": _l("联系人"),
    "contact_phone": _l("联系电话"),
    "content": _l("内容"),
    "counterpart": _l("对接人"),
    "credit_code": _l("统一社会信用代码"),
    "cumulative": _l("累计(万元)"),
    "day": _l("日期"),
    "deadline": _l("办理时限"),
    "digest": _l("推送每日摘要"),
    "events": _l("推送事件消息"),
    "department_id": _l("部门"),
    "description": _l("描述"),
    "due_on": _l("计划完成日期"),
    "end_on": _l("结束日期"),
    "ends_on": _l("结束日期"),
    "expected_output": _l("预计产值(万元)"),
    "expected_tax": _l("预计税收(万元)"),
    "follow_up_on": _l("下次跟进日期"),
    "foreign_investment": _l("外资(万美元)"),
    "happened_on": _l("日期"),
    "held_on": _l("举办日期"),
    "hq_region": _l("总部所在地"),
    "industry_id": _l("产业类别"),
    "intended_investment": _l("意向投资额(万元)"),
    "intended_location": _l("意向落户地"),
    "is_capital_increase": _l("增资"),
    "is_key": _l("重点项目"),
    "is_workday": _l("工作日"),
    "last_error": _l("失败原因"),
    "kind": _l("类型"),
    "kind_id": _l("类型"),
    "land_area": _l("用地(亩)"),
    "lead_department_id": _l("牵头部门"),
    "lead_id": _l("来源线索"),
    "leader_id": _l("领导"),
    "leader_present_id": _l("出席领导"),
    "leaders": _l("带队领导"),
    "level": _l("项目级别"),
    "location": _l("建设地点"),
    "merged_id": _l("并入企业"),
    "month": _l("月份"),
    "muted": _l("免打扰"),
    "name": _l("名称"),
    "needs_note": _l("须填写说明"),
    "next_step": _l("下一步工作"),
    "not_needed_reason": _l("无需办理原因"),
    "note": _l("说明"),
    "notes": _l("备注"),
    "organizer_department_id": _l("组织部门"),
    "our_signatory": _l("我方签约人"),
    "outcome": _l("对接成果"),
    "owner_department_id": _l("责任单位"),
    "owner_user_id": _l("责任人"),
    "parent_id": _l("上级部门"),
    "participants": _l("参与人员"),
    "phone": _l("电话"),
    "place": _l("地点"),
    "plan_id": _l("招商计划"),
    "planned_investment": _l("计划投资(万元)"),
    "planned_on": _l("计划日期"),
    "planned_production_on": _l("计划投产日期"),
    "planned_start_on": _l("计划开工日期"),
    "project_id": _l("项目"),
    "purpose": _l("活动目的"),
    "quarter": _l("季度"),
    "reason": _l("原因"),
    "received_on": _l("收到日期"),
    "regions": _l("地区"),
    "responsible_department_id": _l("责任部门"),
    "responsible_leader_id": _l("责任领导"),
    "reviews_investment": _l("可审核投资月报"),
    "role": _l("角色"),
    "scope": _l("数据范围"),
    "short_name": _l("简称"),
    "signed_on": _l("签约日期"),
    "signing_event_id": _l("签约活动"),
    "sort_order": _l("排序"),
    "source_id": _l("招商方式"),
    "stage": _l("阶段"),
    "start_on": _l("开始日期"),
    "starts_on": _l("开始日期"),
    "status": _l("状态"),
    "submitted_on": _l("申报日期"),
    "summary": _l("内容"),
    "supervised_level": _l("督办等级"),
    "their_signatory": _l("对方签约人"),
    "tiers": _l("企业类型"),
    "title": _l("名称"),
    "type_id": _l("审批事项"),
    "username": _l("用户名"),
    "visited_on": _l("拜访日期"),
    "year": _l("年度"),
    "drop_extremes": _l("去掉最高分和最低分"),
    "criteria": _l("评分表"),
    "criteria_added": _l("新增评分指标"),
    "criteria_removed": _l("删除评分指标"),
    "projects_added": _l("新增观摩项目"),
    "projects_removed": _l("移出观摩项目"),
    "reviewers_added": _l("新增评委"),
    "reviewers_removed": _l("移出评委"),
    "chain_id": _l("产业链"),
    "segment_id": _l("环节"),
    "tier_id": _l("企业类型"),
    "region": _l("所在地"),
    "priority": _l("优先级"),
    "is_chain_master": _l("链主企业"),
    "target_id": _l("目标企业"),
    "chain_leader_id": _l("链长"),
}
# A field whose meaning depends on the record it is on.
ENTITY_FIELD_LABELS: dict[tuple[str, str], Any] = {
    ("lead", "title"): _l("投资意向"),
    ("visit", "summary"): _l("对接情况"),
    ("activity", "summary"): _l("活动成果"),
    ("activity", "title"): _l("活动名称"),
    ("user", "title"): _l("职务"),
    ("notify_channel", "target"): _l("机器人地址/邮箱"),
    ("notify_channel", "secret"): _l("钉钉加签密钥"),
    ("notify_channel", "user_id"): _l("接收人"),
    ("notify_channel", "department_id"): _l("接收部门"),
    ("user", "department_id"): _l("所属部门"),
    ("approval_item", "department_id"): _l("审批部门"),
    ("inspection", "department_id"): _l("被督查单位"),
    ("inspection", "responsible_department_id"): _l("整改责任部门"),
    ("inspection", "inspected_on"): _l("督查日期"),
    ("inspection", "kind"): _l("督查方式"),
    ("inspection", "deadline"): _l("整改时限"),
    ("inspection", "findings"): _l("发现的问题"),
    ("inspection", "requirement"): _l("整改要求"),
    ("inspection", "answer"): _l("整改情况"),
    ("problem", "company_id"): _l("企业（企业诉求）"),
    ("activity", "department_id"): _l("组织部门"),
    ("activity_plan", "department_id"): _l("组织部门"),
    ("activity", "kind_id"): _l("活动类型"),
    ("project", "kind_id"): _l("项目类型"),
    ("lead", "company_id"): _l("企业"),
    ("chain", "name"): _l("产业链名称"),
    ("chain", "department_id"): _l("牵头部门"),
    ("chain_segment", "name"): _l("环节名称"),
    ("chain_segment", "stage"): _l("上中下游"),
    ("chain_segment", "parent_id"): _l("上级环节"),
    ("target_company", "name"): _l("目标企业"),
    ("target_company", "department_id"): _l("责任部门"),
    ("target_company", "reason"): _l("引进理由"),
    ("review_event", "name"): _l("观摩名称"),
    ("review_event", "held_on"): _l("观摩日期"),
    ("review_event", "kind"): _l("观摩类型"),
    ("ranking_weight", "targets"): _l("目标完成权重"),
    ("ranking_weight", "reviews"): _l("观摩评比权重"),
    ("ranking_weight", "problems"): _l("问题按期解决权重"),
    ("ranking_weight", "rectifications"): _l("督查整改按期权重"),
}

_DEPARTMENT_FIELDS = {
    "department_id",
    "owner_department_id",
    "lead_department_id",
    "responsible_department_id",
    "organizer_department_id",
    "parent_id",
}
_USER_FIELDS = {
    "owner_user_id",
    "responsible_leader_id",
    "leader_present_id",
    "leader_id",
    "chain_leader_id",
    "chair_id",
    "leaders",
    "participants",
    "reviewers_added",
    "reviewers_removed",
}
_REF_FIELDS = {"source_id", "industry_id", "kind_id", "type_id", "category_id", "tiers", "tier_id"}
_RECORD_FIELDS: dict[str, type] = {
    "company_id": Company,
    "merged_id": Company,
    "lead_id": Lead,
    "project_id": Project,
    "activity_id": Activity,
    "signing_event_id": SigningEvent,
    "campaign_id": Campaign,
    "chain_id": Chain,
    "segment_id": ChainSegment,
    "target_id": TargetCompany,
}
_ENUMS_BY_ENTITY: dict[tuple[str, str], type[enum.Enum]] = {
    ("lead", "status"): LeadStatus,
    ("problem", "status"): ProblemStatus,
    ("approval_item", "status"): ApprovalStatus,
    ("inspection", "status"): InspectionStatus,
    ("inspection", "kind"): InspectionKind,
    ("investment_report", "status"): ReportStatus,
    ("company_conflict", "status"): ConflictStatus,
    ("agreement", "kind"): AgreementKind,
    ("department", "kind"): DepartmentKind,
    ("review_event", "status"): ReviewStatus,
    ("chain_segment", "stage"): SegmentStage,
    ("target_company", "status"): TargetStatus,
    ("target_company", "priority"): TargetPriority,
}
_ENUMS: dict[str, type[enum.Enum]] = {
    "stage": Stage,
    "level": ProjectLevel,
    "role": Role,
    "scope": DataScope,
    "batch": Batch,
    "supervised_level": Escalation,
}
# Actions whose `changes` hold one value per field (a snapshot), not [old, new].
_SNAPSHOT_ACTIONS = {"create", "delete", "import", "archive", "restore"}
_LIST_FIELDS = {"leaders", "participants", "tiers", "regions", "reviewers_added", "reviewers_removed", "findings"}


@dataclass(frozen=True)
class Shown:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Change:
    label: str
    old: list[Shown] | None  # None: a snapshot value, shown alone
    new: list[Shown]


@dataclass(frozen=True)
class Entry:
    log: AuditLog
    action: str
    entity: str
    summary: str | None
    changes: list[Change]


def field_label(entity: str, field: str) -> str:
    label = ENTITY_FIELD_LABELS.get((entity, field)) or FIELD_LABELS.get(field)
    return str(label) if label is not None else field


def _is_pair(action: str, field: str, value: Any) -> bool:
    if action in _SNAPSHOT_ACTIONS or not isinstance(value, list) or len(value) != 2:
        return False
    if field in _LIST_FIELDS:  # [old list, new list]; a snapshot is one flat list
        return all(v is None or isinstance(v, list) for v in value)
    return True


def _pairs(log: AuditLog) -> Iterable[tuple[str, Any, Any, bool]]:
    """(field, old, new, is_pair) of an entry's changes."""
    for field, value in (log.changes or {}).items():
        if _is_pair(log.action, field, value):
            yield field, value[0], value[1], True
        else:
            yield field, None, value, False


class _Names:
    """The names (and links) of every record an entry list references."""

    def __init__(self, logs: list[AuditLog], viewer: User | None) -> None:
        self.viewer = viewer
        wanted: dict[type, set[int]] = defaultdict(set)
        for log in logs:
            for field, old, new, _pair in _pairs(log):
                model = self._model(log.entity, field)
                if model is None:
                    continue
                for value in (old, new):
                    for ident in value if isinstance(value, list) else [value]:
                        if isinstance(ident, int) and not isinstance(ident, bool):
                            wanted[model].add(ident)
        self.records: dict[type, dict[int, Any]] = {}
        for model, ids in wanted.items():
            rows = db.session.scalars(sa.select(model).where(model.id.in_(sorted(ids)))).all()
            self.records[model] = {row.id: row for row in rows}

    @staticmethod
    def _model(entity: str, field: str) -> type | None:
        if entity == "chain_segment" and field == "parent_id":
            return ChainSegment
        if field in _DEPARTMENT_FIELDS:
            return Department
        if field in _USER_FIELDS:
            return User
        if field in _REF_FIELDS:
            return RefItem
        if field == "plan_id" and entity == "activity":
            return ActivityPlan
        return _RECORD_FIELDS.get(field)

    def shown(self, entity: str, field: str, value: Any) -> list[Shown]:
        if value is None or value == "" or value == []:
            return [Shown("—")]
        if isinstance(value, bool):
            return [Shown(_("是") if value else _("否"))]
        model = self._model(entity, field)
        if model is not None:
            idents = value if isinstance(value, list) else [value]
            return [self._record(model, ident) for ident in idents] or [Shown("—")]
        enum_cls = _ENUMS_BY_ENTITY.get((entity, field)) or _ENUMS.get(field)
        if enum_cls is not None:
            try:
                return [Shown(enum_cls(value).label)]  # type: ignore[attr-defined]
            except ValueError:
                return [Shown(str(value))]
        if isinstance(value, list):
            return [Shown("、".join(str(v) for v in value))]
        if isinstance(value, dict):
            return [Shown("；".join(f"{k}：{v}" for k, v in value.items()))]
        return [Shown(str(value))]

    def _record(self, model: type, ident: Any) -> Shown:
        record = self.records.get(model, {}).get(ident) if isinstance(ident, int) else None
        if record is None:
            return Shown(_("（已删除 #%(id)s）", id=ident) if isinstance(ident, int) else str(ident))
        name = getattr(record, "name", None) or getattr(record, "title", None) or f"#{ident}"
        return Shown(name, self._url(record))

    def _url(self, record: Any) -> str | None:
        viewer = self.viewer
        if viewer is None:
            return None
        links: dict[type, tuple[Callable[[User, Any], bool], str, str]] = {
            Company: (can_view_company, "companies.detail", "company_id"),
            Lead: (can_view_lead, "leads.detail", "lead_id"),
            Project: (can_view_project, "projects.detail", "project_id"),
            Activity: (can_view_activity, "activities.detail", "activity_id"),
        }
        link = links.get(type(record))
        if link is None or getattr(record, "archived_at", None) is not None:
            return None
        check, endpoint, arg = link
        return url_for(endpoint, **{arg: record.id}) if check(viewer, record) else None


def entries_for_display(logs: Iterable[AuditLog], viewer: User | None = None) -> list[Entry]:
    """The entries with their changes in words (see the module docstring)."""
    from app.audit import ACTION_LABELS, ENTITY_LABELS

    logs = list(logs)
    names = _Names(logs, viewer)
    shown = []
    for log in logs:
        changes = []
        for field, old, new, pair in _pairs(log):
            changes.append(
                Change(
                    field_label(log.entity, field),
                    names.shown(log.entity, field, old) if pair else None,
                    names.shown(log.entity, field, new),
                )
            )
        action = ACTION_LABELS.get(log.action, log.action)
        shown.append(Entry(log, str(action), str(ENTITY_LABELS.get(log.entity, log.entity)), log.summary, changes))
    return shown
