"""督查整改统计 by responsible department: of the inspections recorded in a
period (督查日期), per department — how many, 已销号, 按期销号 (closed by the
deadline), 待销号 (answered), 超期未整改 (pending past the deadline today) —
one GROUP BY within the viewer's scope, a 合计 equal to the sum of the rows,
and each count linking to the ledger rows behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.db import db
from app.inspections.rules import on_time_condition, overdue_condition
from app.models import Department, Inspection, InspectionStatus, User
from app.permissions.inspections import inspection_filter

MEASURES = ("total", "closed", "on_time", "answered", "overdue")


@dataclass
class Row:
    department_id: int | None
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    @property
    def on_time_rate(self) -> float | None:
        total = self.counts["total"]
        return round(100 * self.counts["on_time"] / total, 1) if total else None


@dataclass
class InspectionReport:
    since: dt.date
    until: dt.date
    rows: list[Row]
    total: Row


def build(user: User, since: dt.date, until: dt.date, today: dt.date) -> InspectionReport:
    count = sa.func.count
    stmt = (
        sa.select(
            Inspection.responsible_department_id,
            Department.name,
            count(Inspection.id),
            count(sa.case((Inspection.status == InspectionStatus.CLOSED, Inspection.id))),
            count(sa.case((on_time_condition(), Inspection.id))),
            count(sa.case((Inspection.status == InspectionStatus.ANSWERED, Inspection.id))),
            count(sa.case((overdue_condition(today), Inspection.id))),
        )
        .join(Department, Department.id == Inspection.responsible_department_id)
        .where(
            inspection_filter(user),
            Inspection.archived_at.is_(None),
            Inspection.inspected_on >= since,
            Inspection.inspected_on <= until,
        )
        .group_by(Inspection.responsible_department_id, Department.name)
        .order_by(Department.name)
    )
    rows = [
        Row(dept_id, name, dict(zip(MEASURES, (int(v) for v in values), strict=True)))
        for dept_id, name, *values in db.session.execute(stmt)
    ]
    rows.sort(key=lambda row: (-row.counts["overdue"], -row.counts["total"], row.name))
    total = Row(None, "合计", {m: sum(row.counts[m] for row in rows) for m in MEASURES})
    return InspectionReport(since, until, rows, total)


def ledger_args(report: InspectionReport, row: Row, measure: str) -> dict[str, object] | None:
    """The ledger's query string listing the records behind one count (None:
    按期销号 has no ledger filter of its own)."""
    args: dict[str, object] = {"from": report.since.isoformat(), "to": report.until.isoformat()}
    if row.department_id is not None:
        args["responsible_department_id"] = row.department_id
    if measure == "closed":
        args["status"] = InspectionStatus.CLOSED.value
    elif measure == "answered":
        args["status"] = InspectionStatus.ANSWERED.value
    elif measure == "overdue":
        args["overdue"] = 1
    elif measure != "total":
        return None
    return args
