"""Factories for approval items (审批事项), written through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.approvals import services
from app.lookups import ref_id
from app.models import ApprovalItem, Department, Project, RefKind, User


def item(
    project: Project,
    actor: User,
    department: Department,
    *,
    kind: str = "施工许可",
    due_on: dt.date,
    **data: Any,
) -> ApprovalItem:
    return services.add_item(
        project,
        {"type_id": ref_id(RefKind.APPROVAL_TYPE, kind), "department_id": department.id, "due_on": due_on, **data},
        actor,
    )
