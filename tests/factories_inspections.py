"""Factories for inspections (营商环境督办), written through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app import clock
from app.inspections import services
from app.lookups import ref_id
from app.models import Department, Inspection, InspectionKind, RefKind, User


def inspection(
    supervisor: User,
    department: Department,
    *,
    deadline: dt.date | None = None,
    finding: str = "慢作为",
    **data: Any,
) -> Inspection:
    today = clock.today()
    return services.record_inspection(
        {
            "inspected_on": data.pop("inspected_on", today),
            "kind": data.pop("kind", InspectionKind.INSPECTION.value),
            "department_id": department.id,
            "finding_ids": [ref_id(RefKind.INSPECTION_FINDING, finding)],
            "description": data.pop("description", "窗口办件超时"),
            "requirement": data.pop("requirement", "限期整改到位"),
            "deadline": deadline or today + dt.timedelta(days=10),
            **data,
        },
        supervisor,
    )


def trust_world(users: dict[str, User], own: Department) -> dict[str, int]:
    """The access matrix's inspection: of the own department, to rectify."""
    return {"inspection": inspection(users["viewer"], own).id}
