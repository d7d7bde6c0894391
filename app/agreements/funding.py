"""Funds received (资金到位): one row per project and month in 万元, and the
到位率 = cumulative received ÷ signed amount, in Decimal arithmetic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.db import db
from app.models import Funding, Project, User
from app.refusals import Refusal

HUNDRED = Decimal(100)
RATE_QUANTUM = Decimal("0.1")


class FundingError(Refusal):
    """A refused funding entry; `field` names the form field."""


def funding_rate(received: Decimal | None, agreed: Decimal | None) -> Decimal | None:
    """到位率 in percent with one decimal (half-up); None when nothing is agreed.
    May exceed 100 (more arrived than was agreed)."""
    if agreed is None or agreed <= 0:
        return None
    received = received or Decimal("0")
    return (received * HUNDRED / agreed).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


def fmt_rate(rate: Decimal | None) -> str:
    """'45.5%' or '—' (also a Jinja filter)."""
    return "—" if rate is None else f"{rate}%"


def first_of_month(value: dt.date) -> dt.date:
    return value.replace(day=1)


def received_subquery(
    as_of: dt.date | None = None, name: str = "received", project_ids: Collection[int] | None = None
) -> sa.Subquery:
    """`project_id`, `received` (sum of funds, 万元), `last_month`: one row per
    project with funding (up to the month of `as_of` when given; of the
    projects `project_ids` only when given)."""
    stmt = sa.select(
        Funding.project_id,
        sa.func.sum(Funding.amount).label("received"),
        sa.func.max(Funding.month).label("last_month"),
    ).group_by(Funding.project_id)
    if as_of is not None:
        stmt = stmt.where(Funding.month <= first_of_month(as_of))
    if project_ids is not None:
        stmt = stmt.where(Funding.project_id.in_(project_ids))
    return stmt.subquery(name)


FUNDING_FIELDS = ("month", "amount", "note")


def record_funding(
    project: Project,
    month: dt.date,
    amount: Decimal,
    actor: User,
    note: str | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[Funding, bool]:
    """Enter the funds received by `project` in `month`; a month already
    entered is updated (one row per project and month). Returns (row, created)."""
    today = today or clock.today()
    month = first_of_month(month)
    if month > first_of_month(today):
        raise FundingError(_("到位月份不能晚于本月。"), "month")
    if month.year < 2000:
        raise FundingError(_("到位月份有误，请核对。"), "month")
    if amount is None:
        raise FundingError(_("请填写到位金额（万元）。"), "amount")
    if amount < 0:
        raise FundingError(_("到位金额不能为负数。"), "amount")
    amount = amount.quantize(Decimal("0.0001"))
    note = (note or "").strip() or None

    row = db.session.scalar(
        sa.select(Funding).where(Funding.project_id == project.id, Funding.month == month).with_for_update()
    )
    if row is None:
        row = Funding(project_id=project.id, month=month, amount=amount, note=note, created_by_id=actor.id)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:  # the same month entered by someone else a moment ago
            raise FundingError(_("该月份刚被他人录入，请核对后重新提交。")) from None
        audit.record(
            "create",
            "funding",
            row.id,
            changes={"project_id": project.id, **audit.snapshot(row, FUNDING_FIELDS)},
            summary=_(
                "%(project)s %(month)s 到位 %(amount)s 万元",
                project=project.name,
                month=month.strftime("%Y-%m"),
                amount=amount,
            ),
            user_id=actor.id,
        )
        return row, True

    before = audit.snapshot(row, FUNDING_FIELDS)
    row.amount = amount
    row.note = note
    changes = audit.diff(before, audit.snapshot(row, FUNDING_FIELDS))
    if changes:
        audit.record(
            "update",
            "funding",
            row.id,
            changes={"project_id": project.id, **changes},
            summary=_("%(project)s %(month)s 到位资金修改", project=project.name, month=month.strftime("%Y-%m")),
            user_id=actor.id,
        )
    return row, False


def delete_funding(row: Funding, actor: User) -> None:
    """Remove a month entered by mistake; the audit entry keeps what it was."""
    audit.record(
        "delete",
        "funding",
        row.id,
        changes={"project_id": row.project_id, **audit.snapshot(row, FUNDING_FIELDS)},
        summary=_("删除 %(month)s 到位资金记录", month=row.month.strftime("%Y-%m")),
        user_id=actor.id,
    )
    db.session.delete(row)


def fundings_of(project_id: int) -> list[Funding]:
    return list(db.session.scalars(sa.select(Funding).where(Funding.project_id == project_id).order_by(Funding.month)))


def with_cumulative(rows: list[Funding]) -> list[tuple[Funding, Decimal]]:
    """Rows in month order, each with the running total up to it."""
    total = Decimal("0")
    out = []
    for row in sorted(rows, key=lambda r: r.month):
        total += row.amount
        out.append((row, total))
    return out
