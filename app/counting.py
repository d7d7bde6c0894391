"""The counting rule for signed projects (统计口径, DESIGN.md):

- a project counts as signed once, at its first signing (earliest live
  agreement);
- its signed value is the agreed amount of its latest framework or
  investment agreement (a framework agreement followed by an investment
  agreement is one project valued at the investment agreement);
- a supplementary agreement marked as a capital increase (增资) adds its
  amount — the increase only — when signed after that latest agreement
  (a later investment agreement restates the whole amount);
- other supplementary agreements amend terms and do not change the value;
- archived agreements do not count.

`signed_amount_subquery()` gives the rule as SQL for GROUP BY reports;
`signed_amount()` is the same rule over agreements already loaded (the
project panel). Tests hold the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.models import Agreement, AgreementKind

ZERO = Decimal("0")
BASE_KINDS = (AgreementKind.FRAMEWORK, AgreementKind.INVESTMENT)


def is_capital_increase(agreement: Agreement) -> bool:
    return agreement.kind is AgreementKind.SUPPLEMENTARY and bool(agreement.is_capital_increase)


@functools.cache
def _agreement_alias(name: str) -> sa.orm.util.AliasedClass:
    """`Agreement` aliased as `name`, built once: an alias proxies every
    column of the table, a few hundred objects that a home page's panels
    built anew for each statement (~1 ms each)."""
    return aliased(Agreement, name=name)


def counted_amount_expression(agreement: type[Agreement] | sa.orm.util.AliasedClass = Agreement) -> sa.ColumnElement:
    """Per agreement: the amount it contributes to a sum of agreements signed
    (e.g. an event's total): its agreed investment, except a supplementary
    agreement that is not a capital increase, which adds nothing."""
    return sa.case(
        (
            sa.and_(agreement.kind == AgreementKind.SUPPLEMENTARY, agreement.is_capital_increase.is_(False)),
            sa.literal(ZERO),
        ),
        else_=agreement.agreed_investment,
    )


def counted_amount(agreement: Agreement) -> Decimal:
    """Python twin of `counted_amount_expression` for one loaded agreement."""
    if agreement.kind is AgreementKind.SUPPLEMENTARY and not agreement.is_capital_increase:
        return ZERO
    return agreement.agreed_investment


def _live(
    agreement: type[Agreement] | sa.orm.util.AliasedClass,
    as_of: dt.date | None,
    project_ids: Collection[int] | sa.Select | None = None,
) -> list[sa.ColumnElement]:
    conditions = [agreement.archived_at.is_(None)]
    if as_of is not None:
        conditions.append(agreement.signed_on <= as_of)
    if project_ids is not None:
        conditions.append(agreement.project_id.in_(project_ids))
    return conditions


def signed_amount_subquery(
    as_of: dt.date | None = None, name: str = "signed", project_ids: Collection[int] | sa.Select | None = None
) -> sa.Subquery:
    """One row per project with a live agreement (signed on or before `as_of`
    when given): `project_id`, `first_signed_on`, `latest_signed_on`,
    `agreement_count` and `signed_amount` (万元, by the rule above). With
    `project_ids` (ids, or a SELECT of them), only those projects'
    agreements are read (a page of a list needs twenty projects' sums, not
    every project's).

    Join it to `Project` on `project_id` (filtering archived projects and the
    user's data scope as the report does) and GROUP BY whatever it needs;
    `first_signed_on` puts a project in the period it counts in:
        s = signed_amount_subquery(as_of=date(2026, 12, 31))
        select(Project.lead_department_id, func.count(), func.sum(s.c.signed_amount))
            .join(s, s.c.project_id == Project.id).group_by(Project.lead_department_id)
    """
    # The latest framework/investment agreement of each project.
    ranked = (
        sa.select(
            Agreement.project_id,
            Agreement.id,
            Agreement.signed_on,
            Agreement.agreed_investment,
            sa.func.row_number()
            .over(partition_by=Agreement.project_id, order_by=(Agreement.signed_on.desc(), Agreement.id.desc()))
            .label("rn"),
        )
        .where(Agreement.kind.in_(BASE_KINDS), *_live(Agreement, as_of, project_ids))
        .subquery(f"{name}_ranked")
    )
    base = (
        sa.select(ranked.c.project_id, ranked.c.id, ranked.c.signed_on, ranked.c.agreed_investment)
        .where(ranked.c.rn == 1)
        .subquery(f"{name}_base")
    )

    # Capital increases signed after that base agreement (or all, without one).
    inc = _agreement_alias(f"{name}_inc")
    after_base = sa.or_(
        base.c.id.is_(None),
        inc.signed_on > base.c.signed_on,
        sa.and_(inc.signed_on == base.c.signed_on, inc.id > base.c.id),
    )
    increases = (
        sa.select(inc.project_id, sa.func.sum(inc.agreed_investment).label("amount"))
        .select_from(inc)
        .outerjoin(base, base.c.project_id == inc.project_id)
        .where(
            inc.kind == AgreementKind.SUPPLEMENTARY,
            inc.is_capital_increase.is_(True),
            after_base,
            *_live(inc, as_of, project_ids),
        )
        .group_by(inc.project_id)
        .subquery(f"{name}_increases")
    )

    every = _agreement_alias(f"{name}_all")
    per_project = (
        sa.select(
            every.project_id,
            sa.func.min(every.signed_on).label("first_signed_on"),
            sa.func.max(every.signed_on).label("latest_signed_on"),
            sa.func.count(every.id).label("agreement_count"),
        )
        .where(*_live(every, as_of, project_ids))
        .group_by(every.project_id)
        .subquery(f"{name}_projects")
    )
    amount = sa.func.coalesce(base.c.agreed_investment, sa.literal(ZERO)) + sa.func.coalesce(
        increases.c.amount, sa.literal(ZERO)
    )
    return (
        sa.select(
            per_project.c.project_id,
            per_project.c.first_signed_on,
            per_project.c.latest_signed_on,
            per_project.c.agreement_count,
            sa.cast(amount, Agreement.agreed_investment.type).label("signed_amount"),
        )
        .outerjoin(base, base.c.project_id == per_project.c.project_id)
        .outerjoin(increases, increases.c.project_id == per_project.c.project_id)
        .subquery(name)
    )


def signed_amount(agreements: Iterable[Agreement], as_of: dt.date | None = None) -> Decimal | None:
    """The signed value of one project from its agreements (archived ones and
    those after `as_of` are skipped); None when none counts."""
    live = [a for a in agreements if a.archived_at is None and (as_of is None or a.signed_on <= as_of)]
    if not live:
        return None
    ordered = sorted(live, key=lambda a: (a.signed_on, a.id or 0))
    base = None
    for agreement in ordered:
        if agreement.kind in BASE_KINDS:
            base = agreement
    total = base.agreed_investment if base is not None else ZERO
    for agreement in ordered:
        if not is_capital_increase(agreement):
            continue
        if base is None or (agreement.signed_on, agreement.id or 0) > (base.signed_on, base.id or 0):
            total += agreement.agreed_investment
    return total


def first_signed_on(agreements: Iterable[Agreement]) -> dt.date | None:
    dates = [a.signed_on for a in agreements if a.archived_at is None]
    return min(dates) if dates else None


@functools.cache
def latest_committed_date(column: str = "committed_construction_on", alias: str = "commitment") -> sa.ScalarSelect:
    """Per project (correlated to `Project`): the committed date `column` of
    its latest live agreement that states one — a later supplementary
    agreement that moves the date wins. Shared by the fulfilment list and the
    status light, so both read the same commitment. Built once per column and
    alias (it has no parameters; SQL expressions are immutable)."""
    from app.models import Project

    a = _agreement_alias(f"{alias}_src")
    col = getattr(a, column)
    return (
        sa.select(col)
        .where(a.project_id == Project.id, a.archived_at.is_(None), col.is_not(None))
        .order_by(a.signed_on.desc(), a.id.desc())
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )
