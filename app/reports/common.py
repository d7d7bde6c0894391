"""Small pieces every report uses: rates with a zero-denominator guard,
names for dimension values (one query per kind), and row ordering."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import Department, RefItem, User

HUNDRED = Decimal(100)
UNSPECIFIED = "未指定"


def rate(numerator: Any, denominator: Any) -> Decimal | None:
    """numerator ÷ denominator as a percentage with one decimal (half-up);
    None when the denominator is zero or missing (shown as "—")."""
    if denominator in (None, 0) or Decimal(denominator) == 0 or numerator is None:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def department_names() -> dict[int, str]:
    """Every department's name, in the admin's sort order."""
    rows = db.session.execute(
        sa.select(Department.id, Department.name).order_by(Department.sort_order, Department.id)
    ).all()
    return {row.id: row.name for row in rows}


def ref_names(kind: Any) -> dict[int, str]:
    """Names of one reference list, in the admin's order."""
    stmt = sa.select(RefItem.id, RefItem.name).where(RefItem.kind == kind).order_by(RefItem.sort_order, RefItem.id)
    return {row.id: row.name for row in db.session.execute(stmt)}


def user_names() -> dict[int, str]:
    rows = db.session.execute(sa.select(User.id, User.name, User.title)).all()
    return {row.id: (f"{row.name}（{row.title}）" if row.title else row.name) for row in rows}


def ordered_keys(keys: Iterable[Any], order: dict[int, str]) -> list[Any]:
    """Keys in the order of `order` (the name map), unknown ones after, None last."""
    present = set(keys)
    result = [k for k in order if k in present]
    result += sorted((k for k in present if k is not None and k not in order), key=str)
    if None in present:
        result.append(None)
    return result


def name_of(key: Any, names: dict[int, str]) -> str:
    return UNSPECIFIED if key is None else names.get(key, str(key))
