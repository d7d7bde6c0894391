"""SQL expressions the reports share: the counting rule for signed amounts
(统计口径), the dates on which a lead or project first reached a funnel step,
and a portable day difference (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app import facts
from app.counting import signed_amount_subquery
from app.db import db
from app.models import Lead, Project, ProjectFact

BILLION = 10000  # 1 亿元 in 万元


@dataclass(frozen=True)
class SignedAmount:
    """The signed amount of each project by the agreements' counting rule
    (`app.counting`: a framework then an investment agreement is
    one project at the latest amount; a capital increase adds only the
    increase), as an outer join on `Project` plus the amount expression.
    A project that reached 签约 with no agreement recorded (moved by hand)
    falls back to its planned investment rather than counting as zero."""

    join: tuple[Any, Any]
    amount: sa.ColumnElement[Any]


def signed_amount(as_of: dt.date | None) -> SignedAmount:
    """Valued with the agreements signed on or before `as_of` (None: all),
    so a past period's report does not move when later agreements arrive.

    The same object for the same date within an app context, so measures
    built from it join one and the same subquery and `measures.by_many` can
    read them in one query."""
    cache: dict[dt.date | None, SignedAmount] = g.setdefault("_signed_amounts", {}) if has_app_context() else {}
    if as_of not in cache:
        s = signed_amount_subquery(as_of=as_of, name="signed_value")
        cache[as_of] = SignedAmount(
            (s, s.c.project_id == Project.id), sa.func.coalesce(s.c.signed_amount, Project.planned_investment)
        )
    return cache[as_of]


@dataclass(frozen=True)
class FactAmount:
    """The signed amount of each `ProjectFact` as it stood on a day: the
    outer joins it needs (none when the kept value already stood then) and
    the amount expression."""

    joins: tuple[tuple[Any, Any], ...]
    amount: Any


def signed_amount_at(as_of: dt.date) -> FactAmount:
    """A project fact's 签约额 keeps the value of every live agreement; when
    no live agreement is dated after `as_of` (this year's reports, as a
    rule) that is the value on `as_of`, read as it is. Otherwise the
    counting rule runs over the agreements up to `as_of` (an earlier
    period's report does not move when later agreements arrive). The same
    object for the same day within an app context (`measures.by_many`)."""
    if as_of == dt.date.max:  # every agreement (the rollups' measures, `app.rollups`)
        return FactAmount((), ProjectFact.signed_amount)
    cache: dict[Any, FactAmount] = g.setdefault("_fact_amounts", {}) if has_app_context() else {}
    key = (facts.generation(), as_of)
    if key not in cache:
        latest = db.session.scalar(sa.select(sa.func.max(ProjectFact.last_agreement_on)))
        if latest is None or latest <= as_of:
            cache[key] = FactAmount((), ProjectFact.signed_amount)
        else:
            s = signed_amount_subquery(as_of=as_of, name="signed_then")
            cache[key] = FactAmount(
                ((s, s.c.project_id == ProjectFact.id),),
                sa.func.coalesce(s.c.signed_amount, ProjectFact.planned_investment),
            )
    return cache[key]


# The date a record first reached a funnel step. The *_on columns are
# maintained for every earlier step when a later one is reached; taking the
# first non-null in step order also covers a record where an earlier date
# was never filled in, so a step always counts every record at or beyond it.
def lead_contacted_on() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(Lead.contacted_on, Lead.negotiating_on, Lead.converted_on)


def lead_negotiating_on() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(Lead.negotiating_on, Lead.converted_on)


def project_signed_on() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(Project.signed_on, Project.landed_on, Project.construction_on, Project.production_on)


def project_construction_on() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(Project.construction_on, Project.production_on)


def project_production_on() -> sa.ColumnElement[Any]:
    return Project.production_on


class days_between(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """Whole days from `earlier` to `later` (dates or datetimes)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return f"(CAST({compiler.process(later, **kw)} AS DATE) - CAST({compiler.process(earlier, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday(date({compiler.process(later, **kw)})) "
        f"- julianday(date({compiler.process(earlier, **kw)})) AS INTEGER)"
    )


class as_date(FunctionElement):  # noqa: N801
    """The date part of a datetime (SQLite stores datetimes as text)."""

    type = sa.Date()
    inherit_cache = True


@compiles(as_date)
def _as_date_default(element: as_date, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(next(iter(element.clauses)), **kw)} AS DATE)"


@compiles(as_date, "sqlite")
def _as_date_sqlite(element: as_date, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(next(iter(element.clauses)), **kw)})"
