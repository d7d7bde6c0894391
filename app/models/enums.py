"""Enumerations of DESIGN.md, stored by value, each with its Chinese label."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabeledEnum(enum.Enum):
    """An enum whose members carry a translatable Chinese label."""

    @property
    def label(self) -> str:
        return str(_LABELS[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Role(LabeledEnum):
    ADMIN = "admin"
    LEADER = "leader"
    STAFF = "staff"
    VIEWER = "viewer"


class DataScope(LabeledEnum):
    OWN = "own"
    DEPARTMENT = "department"
    DEPARTMENT_TREE = "department_tree"
    ALL = "all"


class DepartmentKind(LabeledEnum):
    TOWN = "town"
    ZONE = "zone"
    INDUSTRY = "industry"
    BUREAU = "bureau"
    OTHER = "other"


class RefKind(LabeledEnum):
    """The admin-editable reference lists."""

    SOURCE = "source"
    TIER = "tier"
    INDUSTRY = "industry"
    VISIT_KIND = "visit_kind"
    PROBLEM_CATEGORY = "problem_category"
    REASON = "reason"
    PROJECT_KIND = "project_kind"
    APPROVAL_TYPE = "approval_type"
    ACTIVITY_KIND = "activity_kind"
    COMPANY_NEED = "company_need"
    INSPECTION_FINDING = "inspection_finding"


class LeadStatus(LabeledEnum):
    NEW = "new"
    CONTACTED = "contacted"
    NEGOTIATING = "negotiating"
    CONVERTED = "converted"
    SHELVED = "shelved"


class Stage(LabeledEnum):
    PLANNING = "planning"
    ATTRACTING = "attracting"
    SIGNED = "signed"
    LANDED = "landed"
    CONSTRUCTION = "construction"
    PRODUCTION = "production"
    EXITED = "exited"


class Library(LabeledEnum):
    """The 四库: stages grouped as the reports show them."""

    PLANNING = "planning"
    ATTRACTING = "attracting"
    SIGNED = "signed"
    LANDED = "landed"


class AgreementKind(LabeledEnum):
    FRAMEWORK = "framework"
    INVESTMENT = "investment"
    SUPPLEMENTARY = "supplementary"


class ProblemStatus(LabeledEnum):
    REPORTED = "reported"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


class InstructionStatus(LabeledEnum):
    """A leader's 批示: 待签收 → 办理中 (签收) → 已反馈 → 已办结, or sent back to 办理中."""

    ISSUED = "issued"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    CLOSED = "closed"


class ConflictStatus(LabeledEnum):
    OPEN = "open"
    REASSIGNED = "reassigned"
    SHARED = "shared"
    DISMISSED = "dismissed"


class TargetMetric(LabeledEnum):
    SIGNED_PROJECTS = "signed_projects"
    SIGNED_AMOUNT = "signed_amount"
    BILLION_PROJECTS = "billion_projects"
    TOP_TIER_PROJECTS = "top_tier_projects"
    FUNDS_RECEIVED = "funds_received"
    LEADS_COLLECTED = "leads_collected"
    VISITS = "visits"
    TRIPS = "trips"


class ProjectLevel(LabeledEnum):
    """项目级别: whose key-project list a project is on."""

    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"


class ReportStatus(LabeledEnum):
    """A monthly investment report: filed, then reviewed (and locked) by the bureau."""

    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class Batch(LabeledEnum):
    """The three batches of a 三个一批 campaign."""

    SIGN = "sign"
    START = "start"
    PRODUCE = "produce"


class ApprovalStatus(LabeledEnum):
    """An approval item (审批事项): 待申报 → 已申报 → 已办结, or 无需办理."""

    PENDING = "pending"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    NOT_NEEDED = "not_needed"


class Light(LabeledEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


STAGE_LIBRARY: dict[Stage, Library | None] = {
    Stage.PLANNING: Library.PLANNING,
    Stage.ATTRACTING: Library.ATTRACTING,
    Stage.SIGNED: Library.SIGNED,
    Stage.LANDED: Library.LANDED,
    Stage.CONSTRUCTION: Library.LANDED,
    Stage.PRODUCTION: Library.LANDED,
    Stage.EXITED: None,
}

# The forward order of stages; `exited` stands outside it.
STAGE_ORDER: list[Stage] = [
    Stage.PLANNING,
    Stage.ATTRACTING,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.CONSTRUCTION,
    Stage.PRODUCTION,
]

_LABELS: dict[enum.Enum, object] = {
    Role.ADMIN: _l("管理员"),
    Role.LEADER: _l("领导"),
    Role.STAFF: _l("招商人员"),
    Role.VIEWER: _l("督查/只读"),
    DataScope.OWN: _l("本人"),
    DataScope.DEPARTMENT: _l("本部门"),
    DataScope.DEPARTMENT_TREE: _l("本部门及下属部门"),
    DataScope.ALL: _l("全部"),
    DepartmentKind.TOWN: _l("镇街"),
    DepartmentKind.ZONE: _l("管委会/园区"),
    DepartmentKind.INDUSTRY: _l("行业招商牵头部门"),
    DepartmentKind.BUREAU: _l("投促/商务部门"),
    DepartmentKind.OTHER: _l("其他"),
    RefKind.SOURCE: _l("招商方式"),
    RefKind.TIER: _l("企业类型"),
    RefKind.INDUSTRY: _l("产业类别"),
    RefKind.VISIT_KIND: _l("对接方式"),
    RefKind.PROBLEM_CATEGORY: _l("问题类别"),
    RefKind.REASON: _l("搁置/退出原因"),
    RefKind.PROJECT_KIND: _l("项目类型"),
    RefKind.APPROVAL_TYPE: _l("审批事项类型"),
    RefKind.ACTIVITY_KIND: _l("招商活动类型"),
    RefKind.COMPANY_NEED: _l("企业诉求类别"),
    RefKind.INSPECTION_FINDING: _l("督查发现问题类型"),
    LeadStatus.NEW: _l("新线索"),
    LeadStatus.CONTACTED: _l("已对接"),
    LeadStatus.NEGOTIATING: _l("洽谈中"),
    LeadStatus.CONVERTED: _l("已转项目"),
    LeadStatus.SHELVED: _l("已搁置"),
    Stage.PLANNING: _l("谋划"),
    Stage.ATTRACTING: _l("招引"),
    Stage.SIGNED: _l("签约"),
    Stage.LANDED: _l("落地"),
    Stage.CONSTRUCTION: _l("开工"),
    Stage.PRODUCTION: _l("投产"),
    Stage.EXITED: _l("退出"),
    Library.PLANNING: _l("谋划库"),
    Library.ATTRACTING: _l("招引库"),
    Library.SIGNED: _l("签约库"),
    Library.LANDED: _l("落地库"),
    AgreementKind.FRAMEWORK: _l("框架协议"),
    AgreementKind.INVESTMENT: _l("投资协议"),
    AgreementKind.SUPPLEMENTARY: _l("补充协议"),
    ProblemStatus.REPORTED: _l("已上报"),
    ProblemStatus.ASSIGNED: _l("已交办"),
    ProblemStatus.IN_PROGRESS: _l("办理中"),
    ProblemStatus.ANSWERED: _l("已反馈"),
    ProblemStatus.CLOSED: _l("已销号"),
    InstructionStatus.ISSUED: _l("待签收"),
    InstructionStatus.ACKNOWLEDGED: _l("办理中"),
    InstructionStatus.ANSWERED: _l("已反馈"),
    InstructionStatus.CLOSED: _l("已办结"),
    ConflictStatus.OPEN: _l("待裁定"),
    ConflictStatus.REASSIGNED: _l("已改派"),
    ConflictStatus.SHARED: _l("共同跟进"),
    ConflictStatus.DISMISSED: _l("非同一企业"),
    TargetMetric.SIGNED_PROJECTS: _l("签约项目数"),
    TargetMetric.SIGNED_AMOUNT: _l("签约金额(万元)"),
    TargetMetric.BILLION_PROJECTS: _l("亿元以上项目数"),
    TargetMetric.TOP_TIER_PROJECTS: _l("世界500强/央企项目数"),
    TargetMetric.FUNDS_RECEIVED: _l("到位资金(万元)"),
    TargetMetric.LEADS_COLLECTED: _l("收集线索数"),
    TargetMetric.VISITS: _l("对接走访次数"),
    TargetMetric.TRIPS: _l("外出招商次数"),
    ProjectLevel.PROVINCE: _l("省重点"),
    ProjectLevel.CITY: _l("市重点"),
    ProjectLevel.DISTRICT: _l("区重点"),
    ReportStatus.SUBMITTED: _l("待审核"),
    ReportStatus.REVIEWED: _l("已审核"),
    Batch.SIGN: _l("签约一批"),
    Batch.START: _l("开工一批"),
    Batch.PRODUCE: _l("投产一批"),
    ApprovalStatus.PENDING: _l("待申报"),
    ApprovalStatus.SUBMITTED: _l("已申报"),
    ApprovalStatus.APPROVED: _l("已办结"),
    ApprovalStatus.NOT_NEEDED: _l("无需办理"),
    Light.RED: _l("红灯"),
    Light.YELLOW: _l("黄灯"),
    Light.GREEN: _l("绿灯"),
}
