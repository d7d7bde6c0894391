"""联审联批完成情况: for a period, the approval items (审批事项) the viewer may
see, by approving department (审批部门) or by item type, the total being the
sum of the groups (every item has exactly one of each):

- 事项数 (items): not archived, not 无需办理, and due (计划完成日期) or
  办结 within the period;
- 已办结 (approved): 办结日期 within the period (a subset of the items);
- 完成率 = approved ÷ items × 100, one decimal, half-up ("—" without items);
- 逾期 (overdue): as of the cut-off — the period's end or today, whichever is
  earlier — items still open then (待申报 / 已申报 now, or 办结 only after
  the cut-off) whose 计划完成日期 is before the cut-off, whatever period it
  fell in (the backlog carried over counts too). For a period reaching today
  this is the ledger's and the light's overdue rule (`approvals.rules`);
  a past period keeps its number when items are approved later;
- 平均办理天数: 申报日期 → 办结日期 in days, averaged over the items approved
  in the period that have a 申报日期; one decimal, half-up. It links to those
  items.

Filters: the project's level and lead department (牵头部门, `department_id`)
and the other project filters of `filters.project_conditions`; archived
projects' items are left out. Scope: `approval_filter(viewer)`, as the
investment report scopes projects. Two queries whatever the data size: the
group names and every measure in one GROUP BY (`measures.by_many`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.approvals.rules import open_condition
from app.models import ApprovalItem, ApprovalStatus, Project, RefKind, User
from app.permissions import approval_filter
from app.reports import measures as m
from app.reports.common import department_names, name_of, ordered_keys, rate, ref_names
from app.reports.filters import ReportQuery, choice, in_period, parse_query, project_conditions
from app.reports.periods import ReportInputError
from app.reports.sql import days_between

DIMENSIONS = {"department": _l("按审批部门"), "type": _l("按事项类型")}
DIMENSION_HEADS = {"department": _l("审批部门"), "type": _l("审批事项")}
_DIMS = {"department": m.Dim(ApprovalItem.department_id), "type": m.Dim(ApprovalItem.type_id)}

ITEMS, APPROVED, OVERDUE, TIMED = "approvals.items", "approvals.approved", "approvals.overdue", "approvals.timed"
KEYS = [ITEMS, APPROVED, OVERDUE, TIMED]


def parse_approvals_query(args: Mapping[str, str], today: dt.date, viewer: User | None) -> ReportQuery:
    """The period (default this year), the filters and the grouping."""
    by = choice(args, "by", DIMENSIONS, "department")
    return replace(parse_query(args, today, options={"by": by}), viewer=viewer)


def cutoff(q: ReportQuery) -> dt.date:
    """The day overdue is judged on: the period's end, or today if earlier."""
    return min(q.period.end, q.today)


# --- the measures ---------------------------------------------------------------------


def _scope(q: ReportQuery) -> list[sa.ColumnElement[bool]]:
    projects = sa.select(Project.id).where(*project_conditions(q.filters)).correlate(None)
    conds = [ApprovalItem.archived_at.is_(None), ApprovalItem.project_id.in_(projects)]
    if q.viewer is not None:
        conds.append(approval_filter(q.viewer))
    return conds


def _approved_in(q: ReportQuery) -> sa.ColumnElement[bool]:
    return sa.and_(ApprovalItem.status == ApprovalStatus.APPROVED, in_period(ApprovalItem.approved_on, q.period))


def _items(q: ReportQuery) -> list[sa.ColumnElement[bool]]:
    due = in_period(ApprovalItem.due_on, q.period)
    return [ApprovalItem.status != ApprovalStatus.NOT_NEEDED, sa.or_(due, _approved_in(q))]


def _overdue(q: ReportQuery) -> list[sa.ColumnElement[bool]]:
    day = cutoff(q)
    approved_later = sa.and_(ApprovalItem.status == ApprovalStatus.APPROVED, ApprovalItem.approved_on > day)
    return [ApprovalItem.due_on < day, sa.or_(open_condition(), approved_later)]


def _timed(q: ReportQuery) -> list[sa.ColumnElement[bool]]:
    return [_approved_in(q), ApprovalItem.submitted_on.is_not(None)]


def _days() -> sa.ColumnElement[Any]:
    return days_between(ApprovalItem.approved_on, ApprovalItem.submitted_on)


def _measure(extra: Any, amount: Any = None):
    def builder(q: ReportQuery) -> m.Measure:
        conds = (*_scope(q), *extra(q))
        return m.Measure(ApprovalItem, conds, ApprovalItem, amount=amount, dims=_DIMS)

    return builder


m.register(ITEMS)(_measure(_items))
m.register(APPROVED)(_measure(lambda q: [_approved_in(q)]))
m.register(OVERDUE)(_measure(_overdue))
m.register(TIMED)(_measure(_timed))
# The days summed over the timed items: read in the same GROUP BY, never
# drilled (the average links to TIMED, the items it is taken over).
_timed_days = _measure(_timed, _days())


# --- the report -------------------------------------------------------------------------


@dataclass
class Row:
    key: str  # the dimension value as drill-downs name it
    name: str
    items: m.Cell
    approved: m.Cell
    overdue: m.Cell
    timed: m.Cell  # count: approved items with a 申报日期; amount: their days summed

    @property
    def cells(self) -> list[m.Cell]:
        return [self.items, self.approved, self.overdue, self.timed]

    @property
    def rate(self) -> Decimal | None:
        """完成率: approved ÷ items, %."""
        return rate(self.approved.count, self.items.count)

    @property
    def average_days(self) -> Decimal | None:
        """申报 → 办结, days on average; None without timed items."""
        if not self.timed.count:
            return None
        days = Decimal(self.timed.amount or 0) / Decimal(self.timed.count)
        return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class ApprovalsReport:
    query: ReportQuery
    dimension: str
    rows: list[Row]
    total: Row

    @property
    def cutoff(self) -> dt.date:
        return cutoff(self.query)

    @property
    def dimension_label(self) -> str:
        return str(DIMENSIONS[self.dimension])

    @property
    def dimension_head(self) -> str:
        return str(DIMENSION_HEADS[self.dimension])


def _row(key: str, name: str, totals: list[m.Total], days: m.Total, **dims: Any) -> Row:
    items, approved, overdue, timed = (m.cell(k, t, **dims) for k, t in zip(KEYS, totals, strict=True))
    return Row(key, name, items, approved, overdue, replace(timed, amount=days.amount))


def approvals_report(q: ReportQuery) -> ApprovalsReport:
    """The report for `q` (from `parse_approvals_query`), over what `q.viewer` may see."""
    dimension = q.options.get("by", "department")
    if dimension not in DIMENSIONS:
        raise ReportInputError(_("参数「%(name)s」的取值无效。", name="by"), "by")
    built = [*(m.build(key, q) for key in KEYS), _timed_days(q)]
    splits = m.by_many(built, dimension)
    totals = [m.summed(split, measure.amount is not None) for split, measure in zip(splits, built, strict=True)]
    names = department_names() if dimension == "department" else ref_names(RefKind.APPROVAL_TYPE)
    rows = []
    for value in ordered_keys({k for s in splits for k in s}, names):
        cells = [split.get(value, m.Total.empty(b.amount is not None)) for split, b in zip(splits, built, strict=True)]
        rows.append(_row(m.dim_arg(value), name_of(value, names), cells[:4], cells[4], **{dimension: value}))
    total = _row("total", str(_l("合计")), totals[:4], totals[4])
    return ApprovalsReport(q, dimension, rows, total)


# --- the workbook ------------------------------------------------------------------------

HEADS = ["事项数", "已办结", "完成率（%）", "逾期", "平均办理天数"]


def row_values(row: Row) -> list[Any]:
    from app.reports.render import pct

    return [row.items.count, row.approved.count, pct(row.rate), row.overdue.count, pct(row.average_days)]


def sheets(report: ApprovalsReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    title = f"联审联批-{DIMENSIONS[report.dimension]}"
    rows = [[r.name, *row_values(r)] for r in [*report.rows, report.total]]
    return [(title, [str(DIMENSION_HEADS[report.dimension]), *HEADS], rows)]
