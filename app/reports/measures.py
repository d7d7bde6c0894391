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

from app.db import ZERO, db
from app.reports.filters import ReportQuery
from app.reports.periods import ReportInputError

NONE_KEY = "none"  # the dimension value of records without one (未指定)


@dataclass(frozen=True)
class Dim:
    """A grouping column, with the 1:1 outer joins it needs."""

    column: Any
    joins: tuple[tuple[Any, Any], ...] = ()


@dataclass(frozen=True)
class Measure:
    base: Any  # the model (or subquery) aggregated over: FROM
    conditions: tuple[sa.ColumnElement[bool], ...]
    listed: Any  # the model listed in the drill-down
    counted: Any = None  # what is counted (distinct); default: the base id
    amount: Any = None  # what is summed (万元); None when meaningless
    joins: tuple[tuple[Any, Any], ...] = ()  # 1:1 outer joins the conditions need
    dims: dict[str, Dim] = field(default_factory=dict)

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


def register(key: str) -> Callable[[MeasureBuilder], MeasureBuilder]:
    def decorator(builder: MeasureBuilder) -> MeasureBuilder:
        MEASURES[key] = builder
        return builder

    return decorator


def build(key: str, query: ReportQuery) -> Measure:
    builder = MEASURES.get(key)
    if builder is None:
        raise ReportInputError(_("统计项不存在。"))
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
