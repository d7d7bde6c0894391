"""问题解决情况 ("上半年帮助企业解决问题 N 个"): over a period, the problems
raised (上报日期 in the period), solved (销号 in the period), solved on time
(销号 by the 办理时限, or without one) and the average days from raising to
销号 — by category, responsible department or month, project problems and
企业诉求 alike, within the viewer's scope (`problem_filter`).

One query reads the few columns of the problems raised or closed in the
period; the groups are summed from it, so the 合计 is the sum of the groups
by construction, and each number links to the problem ledger under the same
conditions (`ledger_args`), whose count is that number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import Department, Problem, ProblemStatus, RefItem, User
from app.permissions import problem_filter

GROUPINGS = {"category": "问题类别", "department": "责任部门", "month": "月份"}
MEASURES = ("raised", "solved", "solved_on_time")
UNASSIGNED = "未交办"


@dataclass
class Group:
    key: Any
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    days: int = 0  # days from raising to 销号, summed over the solved

    @property
    def average_days(self) -> float | None:
        solved = self.counts["solved"]
        return round(self.days / solved, 1) if solved else None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, **self.counts, "average_days": self.average_days}


@dataclass
class ProblemsReport:
    start: dt.date
    end: dt.date
    by: str
    groups: list[Group]
    total: Group


def _solved_on_time(status: ProblemStatus, deadline: dt.date | None, resolved_on: dt.date | None) -> bool:
    return status is ProblemStatus.CLOSED and resolved_on is not None and (deadline is None or resolved_on <= deadline)


def build(user: User | None, start: dt.date, end: dt.date, by: str = "category") -> ProblemsReport:
    """`user` None: every problem (the meeting pack built without a viewer)."""
    by = by if by in GROUPINGS else "category"
    raised = Problem.raised_on.between(start, end)
    solved = sa.and_(Problem.status == ProblemStatus.CLOSED, Problem.resolved_on.between(start, end))
    rows = db.session.execute(
        sa.select(
            Problem.category_id,
            RefItem.name,
            Problem.responsible_department_id,
            Department.name,
            Problem.raised_on,
            Problem.resolved_on,
            Problem.deadline,
            Problem.status,
        )
        .outerjoin(RefItem, RefItem.id == Problem.category_id)
        .outerjoin(Department, Department.id == Problem.responsible_department_id)
        .where(
            problem_filter(user) if user is not None else sa.true(),
            Problem.archived_at.is_(None),
            sa.or_(raised, solved),
        )
    ).all()
    groups: dict[Any, Group] = {}
    total = Group(None, "合计")

    def group(key: Any, name: str) -> Group:
        return groups.setdefault(key, Group(key, name))

    for category_id, category, dept_id, dept, raised_on, resolved_on, deadline, status in rows:
        if by == "category":
            key, name = category_id, category or "—"
        elif by == "department":
            key, name = dept_id, dept or UNASSIGNED
        else:
            key = name = None
        if start <= raised_on <= end:
            target = group(raised_on.strftime("%Y-%m"), raised_on.strftime("%Y-%m")) if by == "month" else None
            for g in (target or group(key, name), total):
                g.counts["raised"] += 1
        if status is ProblemStatus.CLOSED and resolved_on is not None and start <= resolved_on <= end:
            target = group(resolved_on.strftime("%Y-%m"), resolved_on.strftime("%Y-%m")) if by == "month" else None
            on_time = _solved_on_time(status, deadline, resolved_on)
            for g in (target or group(key, name), total):
                g.counts["solved"] += 1
                g.counts["solved_on_time"] += on_time
                g.days += (resolved_on - raised_on).days
    ordered = sorted(groups.values(), key=lambda g: (-g.counts["raised"], -g.counts["solved"], str(g.name)))
    if by == "month":
        ordered = sorted(groups.values(), key=lambda g: g.key)
    return ProblemsReport(start, end, by, ordered, total)


def ledger_args(report: ProblemsReport, group: Group | None, measure: str) -> dict[str, Any]:
    """The problem ledger's query string listing the problems behind one number."""
    start, end = report.start, report.end
    args: dict[str, Any] = {}
    if group is not None and report.by == "month":
        year, month = (int(part) for part in group.key.split("-"))
        first = dt.date(year, month, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        start, end = max(start, first), min(end, last)
    elif group is not None and report.by == "category":
        args["category_id"] = group.key
    elif group is not None and report.by == "department":
        if group.key is None:
            args["unassigned"] = 1
        else:
            args["department_id"] = group.key
    if measure == "raised":
        args.update(raised_from=start.isoformat(), raised_to=end.isoformat())
    else:
        args.update(status=ProblemStatus.CLOSED.value, closed_from=start.isoformat(), closed_to=end.isoformat())
        if measure == "solved_on_time":
            args["on_time"] = 1
    args["per_page"] = 200
    return args


def sheet(report: ProblemsReport) -> tuple[str, list[str], list[list[Any]]]:
    """The report as one sheet (the .xlsx and the meeting pack)."""
    headers = [GROUPINGS[report.by], "上报问题", "已销号", "按期销号", "平均办理天数"]

    def line(g: Group) -> list[Any]:
        return [g.name, *(g.counts[m] for m in MEASURES), g.average_days if g.average_days is not None else ""]

    return "问题解决情况", headers, [line(g) for g in report.groups] + [line(report.total)]
