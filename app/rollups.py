"""Report rollups (统计汇总) kept with the facts: for each measure a report
reads district-wide (the funnel's steps, 四库, 三个一批 — registered with
`measures.register(key, rolled_up=dims)`), its count and amount per
department (or industry) and per day, per month, or — for a measure without
a period — at all (`ReportRollup`).

A report over a period then reads its whole months and its odd days here: a
few thousand rows instead of every fact of the period. A filter the rollups
do not keep (industry, tier, leader …) makes the report read the facts as
before (`measures.by_many`); the numbers are the same either way
(tests/test_rollups.py).

**Kept how.** A rollup row is computed from the facts by the measure's own
SELECT (the measure built for every record, `definitions`), grouped by its
dimension and day or month. When facts move (`app.facts.refresh`), the
buckets — (dimension value, month) — their rows fell in before and fall in
after are recomputed whole: deleted and selected again. `rebuild` does the
same for every bucket (`flask facts rebuild`).

**Concurrency (PostgreSQL).** Recomputing a bucket reads the facts other
transactions committed. Two transactions writing facts of one department
take a transaction lock on it (an advisory lock, in value order) before
recomputing: the second recomputes after the first has committed, reading
its facts too, so neither's change is lost. SQLite has one writer at a time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Collection, Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context

from app import clock
from app.db import ZERO, Money
from app.models import LeadFact, ProjectFact, ReportRollup

DAY, MONTH, ALL = "d", "m", "a"
ALL_TIME = dt.date(1900, 1, 1)  # the bucket (and month) of a measure without a period
NONE_VALUE = 0  # the dimension value of records without one (ids start at 1)
CHUNK = 500  # fact ids, or buckets, per statement

Buckets = dict[str, set[tuple[int, dt.date]]]  # dimension → {(value, month)}


# --- what is kept ------------------------------------------------------------------


class Definition:
    """One rolled-up measure by one dimension: the measure built for every
    record (no filter, every day), grouped by the dimension's value and day."""

    def __init__(self, key: str, dim: str, measure: Any) -> None:
        self.key = key
        self.dim = dim
        self.measure = measure
        self.value = sa.func.coalesce(measure.dims[dim].column, NONE_VALUE)
        tables = [measure.base, *(target for target, _on in measure.joins)]
        self.reads_leads = LeadFact in tables
        self.reads_projects = ProjectFact in tables
        # How it places a fact in a bucket: the tables, the dimension's column, the day.
        self.placing = (tuple(tables), dim, measure.dims[dim].column, measure.dated)

    def month(self, dialect: str) -> Any:
        if self.measure.dated is None:
            return sa.literal(ALL_TIME, sa.Date)
        return _month(self.measure.dated, dialect)

    def touching(self, lead_ids: Collection[int], project_ids: Collection[int]) -> Any:
        """The condition "a row of these facts", None when it reads neither.
        A lead joined to its projects is found through the projects' own
        lead_id (indexed), not the joined lead's id."""
        terms = []
        if self.reads_leads and lead_ids:
            joined = self.measure.base is not LeadFact
            terms.append(ProjectFact.lead_id.in_(lead_ids) if joined else LeadFact.id.in_(lead_ids))
        if self.reads_projects and project_ids:
            terms.append(ProjectFact.id.in_(project_ids))
        return sa.or_(*terms) if terms else None

    def placed(self, dialect: str, where: Any) -> sa.Select:
        """The buckets of the facts matching `where`: where the measure puts
        them whatever its other conditions (a superset; recomputing a bucket
        that did not move changes nothing)."""
        m = self.measure
        stmt = sa.select(sa.literal(self.dim, sa.String), self.value, self.month(dialect)).select_from(m.base)
        for target, onclause in [*m.joins, *m.dims[self.dim].joins]:
            stmt = stmt.join(target, onclause)
        if m.dated is not None:
            stmt = stmt.where(m.dated.is_not(None))
        return stmt.where(where).distinct()

    def rows(self, grain: str, dialect: str, where: Any) -> sa.Select:
        """Its rollup rows at `grain` (DAY / MONTH; ALL for a measure without
        a period) for the facts matching `where`."""
        m = self.measure
        month = self.month(dialect)
        bucket = m.dated if grain == DAY else month
        counted = sa.func.count(sa.distinct(m.counted_expr)) if m.counted is not None else sa.func.count(m.counted_expr)
        amount = sa.func.coalesce(sa.func.sum(m.amount), 0) if m.amount is not None else sa.literal(0)
        return (
            m._select(
                sa.literal(self.key, sa.String),
                sa.literal(self.dim, sa.String),
                self.value,
                sa.literal(grain, sa.String),
                bucket,
                month,
                counted,
                amount,
                dim_names=(self.dim,),
            )
            .where(where)
            .group_by(self.value, *([bucket] if m.dated is not None else []))
        )

    def grains(self) -> tuple[str, ...]:
        return (ALL,) if self.measure.dated is None else (DAY, MONTH)


def _month(column: Any, dialect: str) -> Any:
    # The unit is SQL text, not a parameter: PostgreSQL must see the same
    # expression in the SELECT list and the GROUP BY.
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc(sa.literal_column("'month'"), column), sa.Date)
    return sa.func.date(column, sa.literal_column("'start of month'"), type_=sa.Date)


_definitions: list[Definition] | None = None


def definitions() -> list[Definition]:
    """Every rolled-up measure by every dimension it is kept by (built once:
    the expressions do not depend on the day)."""
    global _definitions
    if _definitions is None:
        # The report modules register their measures on import.
        from app.reports import funnel, library  # noqa: F401
        from app.reports import measures as m
        from app.reports.filters import Filters, ReportQuery
        from app.reports.periods import Period

        everything = ReportQuery(Period(ALL_TIME, dt.date.max, "custom"), Filters(), clock.today())
        _definitions = [
            Definition(key, dim, m.MEASURES[key](everything)) for key, dims in m.ROLLED_UP.items() for dim in dims
        ]
    return _definitions


# --- kept with the facts ---------------------------------------------------------------


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def buckets(connection: Any, lead_ids: Collection[int] = (), project_ids: Collection[int] = ()) -> Buckets:
    """The buckets the rows of these facts fall in, as the facts stand."""
    found: Buckets = {}
    dialect = connection.dialect.name
    for ids, leads in ((lead_ids, True), (project_ids, False)):
        for chunk in _chunks(ids):
            # Many measures place a fact alike (the funnel's lead steps all by
            # department and day received): one SELECT per way of placing.
            selects: list[sa.Select] = []
            placings: list[tuple] = []
            for d in definitions():
                where = d.touching(chunk if leads else (), () if leads else chunk)
                if where is not None and not any(_same_placing(d.placing, p) for p in placings):
                    placings.append(d.placing)
                    selects.append(d.placed(dialect, where))
            if selects:
                for dim, value, month in connection.execute(sa.union(*selects)):
                    found.setdefault(dim, set()).add((int(value), _as_date(month)))
    return found


def _same_placing(a: tuple, b: tuple) -> bool:
    # Tables and dimension names compare with ==; SQL columns only with `is`.
    return a[0] == b[0] and a[1] == b[1] and a[2] is b[2] and a[3] is b[3]


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _lock(connection: Any, dims: Iterable[tuple[str, int]]) -> None:
    """Wait for other transactions recomputing these dimension values to end
    (PostgreSQL; a no-op on SQLite, which has one writer at a time)."""
    if connection.dialect.name != "postgresql":
        return
    for dim, value in sorted(dims):
        space = int.from_bytes(hashlib.blake2b(dim.encode(), digest_size=4).digest(), "big", signed=True)
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(space, value)))


def keep(connection: Any, lead_ids: Collection[int], project_ids: Collection[int], before: Buckets) -> None:
    """Recompute the buckets the facts of these leads and projects were in
    (`before`, read under the facts' row locks) and are in now."""
    wanted = merge(before, buckets(connection, lead_ids, project_ids))
    locked: set[tuple[str, int]] = set()
    while connection.dialect.name == "postgresql":  # SQLite: no one else writes meanwhile
        values = {(dim, value) for dim, pairs in wanted.items() for value, _month in pairs}
        if values <= locked:
            break
        _lock(connection, values - locked)
        locked |= values
        # Read again now that no one else is recomputing them: a fact of
        # ours may have moved with a record another transaction committed
        # meanwhile (a lead moved to another department).
        wanted = merge(wanted, buckets(connection, lead_ids, project_ids))
    recompute(connection, wanted)


def merge(a: Buckets, b: Buckets) -> Buckets:
    """Both sets of buckets."""
    return {dim: a.get(dim, set()) | b.get(dim, set()) for dim in {*a, *b}}


def recompute(connection: Any, wanted: Buckets) -> None:
    """Delete these buckets' rows and select them again from the facts."""
    table = ReportRollup.__table__
    dialect = connection.dialect.name
    columns = ["measure", "dim", "dim_value", "grain", "bucket", "month", "n", "amount"]
    for dim, pairs in wanted.items():
        defs = [d for d in definitions() if d.dim == dim]
        for chunk in _chunks(pairs):
            connection.execute(
                table.delete().where(table.c.dim == dim, sa.tuple_(table.c.dim_value, table.c.month).in_(chunk))
            )
            selects = [d.rows(grain, dialect, _in_buckets(d, chunk)) for d in defs for grain in d.grains()]
            connection.execute(sa.insert(table).from_select(columns, sa.union_all(*selects)))


def _in_buckets(d: Definition, pairs: list[tuple[int, dt.date]]) -> Any:
    """The condition that a row's (value, month) is one of `pairs`, written
    so the database reads each row's day once: for each month, the day
    within it and the value among that month's. (A row-value IN list
    repeats the month expression for every pair on PostgreSQL: the few
    hundred buckets of a 10,000-row import took minutes at L.)"""
    months: dict[dt.date, list[int]] = {}
    for value, month in pairs:
        months.setdefault(month, []).append(value)
    # The dimension's own column first (coalesce() hides it from its index):
    # the department's or industry's few hundred facts, not the table.
    column = d.measure.dims[d.dim].column
    values = sorted({value for value, _month in pairs})
    named = [value for value in values if value != NONE_VALUE]
    narrow = sa.or_(*([column.in_(named)] if named else []), *([column.is_(None)] if NONE_VALUE in values else []))
    if d.measure.dated is None:  # every row's month is ALL_TIME
        return sa.and_(narrow, d.value.in_(months[ALL_TIME])) if ALL_TIME in months else sa.false()
    return sa.and_(
        narrow,
        sa.or_(
            *(
                sa.and_(d.measure.dated.between(month, _month_end(month)), d.value.in_(values))
                for month, values in sorted(months.items())
            )
        ),
    )


def rebuild(connection: Any) -> int:
    """Recompute every rollup from the facts; the number of rows."""
    table = ReportRollup.__table__
    dialect = connection.dialect.name
    connection.execute(table.delete())
    columns = ["measure", "dim", "dim_value", "grain", "bucket", "month", "n", "amount"]
    for d in definitions():
        for grain in d.grains():
            connection.execute(sa.insert(table).from_select(columns, d.rows(grain, dialect, sa.true())))
    return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


# --- read by the reports -------------------------------------------------------------


def answers(measures: list[Any], dim: str) -> bool:
    """Can these measures, split by `dim`, be read from the rollups? (Every
    one rolled up by `dim` for this query, over one period and department.)"""
    from app.reports.measures import ROLLED_UP

    if not measures or (has_app_context() and not current_app.config["REPORT_ROLLUPS"]):
        return False
    first = measures[0].rollup
    for measure in measures:
        r = measure.rollup
        if r is None or dim not in ROLLED_UP.get(r.key, ()):
            return False
        if (r.period, r.department_id) != (first.period, first.department_id):
            return False
    return first.department_id is None or dim == "department"


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def ranges(period: Any) -> list[tuple[str, dt.date, dt.date]]:
    """A period as the rollups read it: (grain, first bucket, last bucket) —
    its whole months at MONTH, the days before and after them at DAY."""
    if period is None:
        return [(ALL, ALL_TIME, ALL_TIME)]
    start, end = period.start, period.end
    first = start if start.day == 1 else _month_end(start) + dt.timedelta(days=1)
    last = end.replace(day=1) if _month_end(end) == end else end.replace(day=1) - dt.timedelta(days=1)
    last = last.replace(day=1)
    if first > last:
        return [(DAY, start, end)]
    out = [(MONTH, first, last)]
    if start < first:
        out.append((DAY, start, first - dt.timedelta(days=1)))
    if _month_end(last) < end:
        out.append((DAY, _month_end(last) + dt.timedelta(days=1), end))
    return out


def read(measures: list[Any], dim: str) -> list[dict[Any, Any]]:
    """`measures.by_many(measures, dim)` from the rollups: one statement."""
    from app.db import db
    from app.reports.measures import Total

    first = measures[0].rollup
    r = ReportRollup
    keys = sorted({measure.rollup.key for measure in measures})
    branches = []
    for grain, low, high in ranges(first.period):
        conds = [r.dim == dim, r.grain == grain, r.measure.in_(keys), r.bucket.between(low, high)]
        if first.department_id is not None:
            conds.append(r.dim_value == first.department_id)
        branches.append(sa.select(r.measure, r.dim_value, r.n, r.amount).where(*conds))
    rows = sa.union_all(*branches).subquery()
    stmt = sa.select(
        rows.c.measure, rows.c.dim_value, sa.func.sum(rows.c.n), sa.func.sum(rows.c.amount, type_=Money)
    ).group_by(rows.c.measure, rows.c.dim_value)
    found: dict[str, dict[Any, Any]] = {key: {} for key in keys}
    for key, value, n, amount in db.session.execute(stmt):
        if n:
            found[key][None if value == NONE_VALUE else value] = (int(n), amount)
    splits = []
    for measure in measures:
        split = {}
        for value, (n, amount) in found[measure.rollup.key].items():
            split[value] = Total(n, (amount if amount is not None else ZERO) if measure.amount is not None else None)
        splits.append(split)
    return splits
