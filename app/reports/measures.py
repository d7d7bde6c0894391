"""Measures: every number in a report is a *measure* — a set of records
described once (the table aggregated, its WHERE conditions, what is counted,
what is summed) — optionally split by a *dimension* (department, industry …).

The report runs `total()` / `by()` (one GROUP BY query each, whatever the
data size); the drill-down page runs `drill_ids()` on the very same measure
built from the very same query arguments, so its list count equals the
number by construction. Report modules register their measures under a key
(`funnel.cohort.contacted`, `library.signed` …) that the drill-down URL
names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import facts
from app.db import ZERO, db
from app.reports.filters import FILTER_ARGS, ReportQuery
from app.reports.periods import Period, ReportInputError

NONE_KEY = "none"  # the dimension value of records without one (未指定)


@dataclass(frozen=True)
class Dim:
    """A grouping column, with the 1:1 outer joins it needs."""

    column: Any
    joins: tuple[tuple[Any, Any], ...] = ()


@dataclass(frozen=True)
class Rollup:
    """How a measure reads the kept rollups (`app.rollups`) instead of its
    records: its key, the period its `dated` column ranges over (None for a
    measure without one) and the department it is filtered to."""

    key: str
    period: Period | None
    department_id: int | None


@dataclass(frozen=True)
class Measure:
    base: Any  # the model (or subquery) aggregated over: FROM
    conditions: tuple[sa.ColumnElement[bool], ...]
    listed: Any  # the model listed in the drill-down
    counted: Any = None  # what is counted (distinct); default: the base id
    amount: Any = None  # what is summed (万元); None when meaningless
    joins: tuple[tuple[Any, Any], ...] = ()  # 1:1 outer joins the conditions need
    dims: dict[str, Dim] = field(default_factory=dict)
    # The day column a period ranges over (a rollup's day and month), and
    # whether this query can be answered from the rollups (`rolled`).
    dated: Any = None
    rollup: Rollup | None = None

    @property
    def counted_expr(self) -> Any:
        return self.counted if self.counted is not None else self.base.id

    def _select(self, *columns: Any, dim_names: tuple[str, ...] = ()) -> sa.Select:
        stmt = sa.select(*columns).select_from(self.base)
        joins = list(self.joins)
        for name in dim_names:
            # identity, not ==: these are SQL expressions
            joins.extend(j for j in self.dims[name].joins if not any(j is k for k in joins))
        for target, onclause in joins:
            stmt = stmt.outerjoin(target, onclause)
        return stmt.where(*self.conditions, self.counted_expr.is_not(None))

    def _measures(self) -> list[Any]:
        columns = [sa.func.count(sa.distinct(self.counted_expr)).label("n")]
        if self.amount is not None:
            columns.append(sa.func.sum(self.amount).label("amount"))
        return columns


@dataclass(frozen=True)
class Total:
    count: int
    amount: Decimal | None

    @classmethod
    def empty(cls, with_amount: bool) -> Total:
        return cls(0, ZERO if with_amount else None)


def _total_from(row: Any, with_amount: bool) -> Total:
    if row is None:
        return Total.empty(with_amount)
    amount = None
    if with_amount:
        amount = Decimal(row.amount) if row.amount is not None else ZERO
    return Total(int(row.n or 0), amount)


def total(measure: Measure) -> Total:
    row = db.session.execute(measure._select(*measure._measures())).one_or_none()
    return _total_from(row, measure.amount is not None)


def by(measure: Measure, dim_name: str) -> dict[Any, Total]:
    """{dimension value (None for 未指定): Total}, one GROUP BY query."""
    column = measure.dims[dim_name].column
    stmt = measure._select(column.label("k"), *measure._measures(), dim_names=(dim_name,)).group_by(column)
    return {row.k: _total_from(row, measure.amount is not None) for row in db.session.execute(stmt)}


# --- several measures in one query ---------------------------------------------
#
# A report shows several measures over the same records (the funnel's steps,
# the four libraries): the same table, joins and filters, each adding a
# condition of its own. Asking for them one by one scans the table once per
# measure; `by_many` and `total_many` put each such group into one GROUP BY
# with one CASE per measure, so the table is read once. Measures that do not
# share their table and joins still run on their own: the numbers are the
# same either way (the drill-down keeps using each measure alone).


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a.compare(b))
    except (AttributeError, NotImplementedError, TypeError):
        return False


def _joins_for(measure: Measure, dim_name: str | None) -> list[tuple[Any, Any]]:
    joins = list(measure.joins)
    if dim_name is not None:
        joins.extend(j for j in measure.dims[dim_name].joins if not any(j is k for k in joins))
    return joins


def _fits(group: Measure, measure: Measure, dim_name: str | None) -> bool:
    """Can `measure` be read in the same query as `group`'s first measure?"""
    if measure.base is not group.base or not _same(measure.counted_expr, group.counted_expr):
        return False
    mine, theirs = _joins_for(measure, dim_name), _joins_for(group, dim_name)
    if len(mine) != len(theirs) or any(
        a[0] is not b[0] or not _same(a[1], b[1]) for a, b in zip(mine, theirs, strict=True)
    ):
        return False
    return dim_name is None or _same(measure.dims[dim_name].column, group.dims[dim_name].column)


def _batched(measures: list[Measure], dim_name: str | None) -> list[dict[Any, Total]]:
    results: list[dict[Any, Total] | None] = [None] * len(measures)
    groups: list[list[int]] = []
    for index, measure in enumerate(measures):
        for group in groups:
            if _fits(measures[group[0]], measure, dim_name):
                group.append(index)
                break
        else:
            groups.append([index])
    for group in groups:
        for index, split in zip(group, _run_group([measures[i] for i in group], dim_name), strict=True):
            results[index] = split
    return [r if r is not None else {} for r in results]


def _run_group(group: list[Measure], dim_name: str | None) -> list[dict[Any, Total]]:
    first = group[0]
    common = [c for c in first.conditions if all(any(_same(c, o) for o in m.conditions) for m in group[1:])]
    extras = [[c for c in m.conditions if not any(_same(c, k) for k in common)] for m in group]
    counted = first.counted_expr
    dim = first.dims[dim_name] if dim_name is not None else None
    # Rows are one per counted record unless something else is counted or
    # the dimension fans out: then distinct, as `total` / `by` count.
    distinct = first.counted is not None or bool(dim and dim.joins)
    columns: list[Any] = [dim.column.label("k")] if dim is not None else []
    for index, (measure, extra) in enumerate(zip(group, extras, strict=True)):
        condition = sa.and_(*extra) if extra else None
        target = sa.case((condition, counted)) if condition is not None else counted
        columns.append(sa.func.count(sa.distinct(target) if distinct else target).label(f"n{index}"))
        if measure.amount is not None:
            amount = sa.case((condition, measure.amount)) if condition is not None else measure.amount
            columns.append(sa.func.sum(amount).label(f"a{index}"))
    stmt = sa.select(*columns).select_from(first.base)
    for target_table, onclause in _joins_for(first, dim_name):
        stmt = stmt.outerjoin(target_table, onclause)
    stmt = stmt.where(*common, counted.is_not(None))
    if all(extras):
        stmt = stmt.where(sa.or_(*[sa.and_(*extra) for extra in extras]))
    if dim is not None:
        stmt = stmt.group_by(dim.column)
    splits: list[dict[Any, Total]] = [{} for _ in group]
    for row in db.session.execute(stmt):
        key = row.k if dim is not None else None
        for index, measure in enumerate(group):
            count = int(getattr(row, f"n{index}") or 0)
            amount = None
            if measure.amount is not None:
                raw = getattr(row, f"a{index}")
                amount = Decimal(raw) if raw is not None else ZERO
            if dim is None or count:
                splits[index][key] = Total(count, amount)
    return splits


def by_many(measures: list[Measure], dim_name: str) -> list[dict[Any, Total]]:
    """`by(measure, dim_name)` for each measure, in as few queries as their
    tables and joins allow (one per group) — or from the kept rollups when
    every measure can be read there (`app.rollups`: the same numbers)."""
    from app import rollups

    rolled = [i for i, measure in enumerate(measures) if rollups.answers([measure], dim_name)]
    if not rolled or not rollups.answers([measures[i] for i in rolled], dim_name):
        return _batched(measures, dim_name)
    results: list[dict[Any, Total]] = [{} for _ in measures]
    for i, split in zip(rolled, rollups.read([measures[i] for i in rolled], dim_name), strict=True):
        results[i] = split
    rest = [i for i in range(len(measures)) if i not in rolled]
    for i, split in zip(rest, _batched([measures[i] for i in rest], dim_name), strict=True):
        results[i] = split
    return results


def total_many(measures: list[Measure]) -> list[Total]:
    """`total(measure)` for each measure, in as few queries as possible."""
    splits = _batched(measures, None)
    return [split.get(None) or Total.empty(m.amount is not None) for split, m in zip(splits, measures, strict=True)]


def summed(split: dict[Any, Total], with_amount: bool) -> Total:
    """The total of a split by a dimension every record has exactly one value
    of (a department, an industry): the sum of its groups."""
    count = sum(t.count for t in split.values())
    amount = sum((t.amount or ZERO for t in split.values()), ZERO) if with_amount else None
    return Total(count, amount)


def by2(measure: Measure, first: str, second: str) -> dict[tuple[Any, Any], Total]:
    """Split by two dimensions at once (e.g. department × visit kind)."""
    a, b = measure.dims[first].column, measure.dims[second].column
    stmt = measure._select(a.label("a"), b.label("b"), *measure._measures(), dim_names=(first, second)).group_by(a, b)
    return {(row.a, row.b): _total_from(row, measure.amount is not None) for row in db.session.execute(stmt)}


def drill_ids(measure: Measure, dim_values: dict[str, Any]) -> sa.Select:
    """The ids of the records behind one number: the measure restricted to
    the given dimension values (None = 未指定)."""
    unknown = set(dim_values) - set(measure.dims)
    if unknown:
        raise ReportInputError(_("该统计项不支持按「%(names)s」下钻。", names="、".join(sorted(unknown))))
    conditions = []
    for name, value in dim_values.items():
        column = measure.dims[name].column
        conditions.append(column.is_(None) if value is None else column == value)
    return measure._select(measure.counted_expr, dim_names=tuple(dim_values)).where(*conditions).distinct()


# --- the registry of measures -------------------------------------------------

MeasureBuilder = Callable[[ReportQuery], Measure]
MEASURES: dict[str, MeasureBuilder] = {}
# measure key → the dimensions its rollups are kept by (`app.rollups`)
ROLLED_UP: dict[str, tuple[str, ...]] = {}


def register(key: str, rolled_up: tuple[str, ...] = ()) -> Callable[[MeasureBuilder], MeasureBuilder]:
    """Register a measure's builder under `key`; `rolled_up`: the dimensions
    its sums are kept by in `report_rollup` (the builder then says, per
    query, whether they answer it: `rolled`)."""

    def decorator(builder: MeasureBuilder) -> MeasureBuilder:
        MEASURES[key] = builder
        if rolled_up:
            ROLLED_UP[key] = rolled_up
        return builder

    return decorator


def rolled(key: str, q: ReportQuery, dated: bool = True) -> Rollup | None:
    """The rollup reading of measure `key` for `q`, or None when a filter
    other than the department's narrows it (the rollups keep no tiers,
    leaders …: the records answer)."""
    if any(getattr(q.filters, name) is not None for name in FILTER_ARGS if name != "department_id"):
        return None
    return Rollup(key, q.period if dated else None, q.filters.department_id)


def build(key: str, query: ReportQuery) -> Measure:
    builder = MEASURES.get(key)
    if builder is None:
        raise ReportInputError(_("统计项不存在。"))
    facts.settle()  # the facts of this transaction's own writes, before they are read
    return builder(query)


@dataclass(frozen=True)
class Cell:
    """One number of a report and how to reach the records behind it."""

    count: int
    amount: Decimal | None = None
    measure: str | None = None
    dims: tuple[tuple[str, str], ...] = ()

    @property
    def drill(self) -> dict[str, str] | None:
        if self.measure is None:
            return None
        return {"m": self.measure, **{f"g_{name}": value for name, value in self.dims}}


def dim_arg(value: Any) -> str:
    return NONE_KEY if value is None else str(value)


def cell(key: str, t: Total, **dims: Any) -> Cell:
    return Cell(t.count, t.amount, key, tuple((name, dim_arg(value)) for name, value in dims.items()))
