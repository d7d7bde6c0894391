"""All models, imported here so that metadata (and Alembic) sees every table."""

from app.models.agreement import Agreement, Funding, SigningEvent
from app.models.audit import ApiToken, Attachment, AuditLog, ImportBatch, LoginAttempt
from app.models.calendar import WorkdayOverride
from app.models.company import Company, CompanyConflict, company_tier
from app.models.enums import (
    STAGE_LIBRARY,
    STAGE_ORDER,
    AgreementKind,
    ConflictStatus,
    DataScope,
    DepartmentKind,
    LeadStatus,
    Library,
    Light,
    ProblemStatus,
    RefKind,
    Role,
    Stage,
    TargetMetric,
)
from app.models.lead import Lead, LeadStatusChange, Visit, visit_participant
from app.models.org import Department, DepartmentAlias, RefItem, User, UserSession
from app.models.problem import Problem, ProblemEvent
from app.models.project import (
    Instruction,
    LeaderHandover,
    Milestone,
    ProgressUpdate,
    Project,
    StageChange,
    project_team,
)
from app.models.target import Target

__all__ = [
    "STAGE_LIBRARY",
    "STAGE_ORDER",
    "Agreement",
    "AgreementKind",
    "ApiToken",
    "Attachment",
    "AuditLog",
    "Company",
    "CompanyConflict",
    "ConflictStatus",
    "DataScope",
    "Department",
    "DepartmentAlias",
    "DepartmentKind",
    "Funding",
    "ImportBatch",
    "Instruction",
    "Lead",
    "LeadStatus",
    "LeadStatusChange",
    "LeaderHandover",
    "Library",
    "Light",
    "LoginAttempt",
    "Milestone",
    "Problem",
    "ProblemEvent",
    "ProblemStatus",
    "ProgressUpdate",
    "Project",
    "RefItem",
    "RefKind",
    "Role",
    "SigningEvent",
    "Stage",
    "StageChange",
    "Target",
    "TargetMetric",
    "User",
    "UserSession",
    "Visit",
    "WorkdayOverride",
    "company_tier",
    "project_team",
    "visit_participant",
]
