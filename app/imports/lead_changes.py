"""What a lead-ledger row changes on the lead it updates (the same title on
the same company), field by field, before → after — so the preview shows it
and the commit writes only that. A blank cell keeps what the lead has; a
tenfold change of the amount waits for confirmation; a row that changes
nothing is `unchanged`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.imports.rows import Change, Lookups, RowResult, money_change, shown
from app.models import Lead, RefKind

# (field, label, the names its ids show as: a RefKind, "departments", or None)
FIELDS: tuple[tuple[str, str, Any], ...] = (
    ("source_id", "招商方式", RefKind.SOURCE),
    ("industry_id", "产业类别", RefKind.INDUSTRY),
    ("contact_name", "联系人", None),
    ("contact_phone", "联系电话", None),
    ("owner_department_id", "责任单位", "departments"),
    ("received_on", "收集日期", None),
    ("description", "备注", None),
)


def describe_changes(results: list[RowResult], session: Any, lookups: Lookups) -> None:
    """Fill `changes` and `updates` of every update row; one query per
    1,000 rows."""
    rows = [r for r in results if r.action == "update" and r.existing_id is not None]
    ids = sorted({r.existing_id for r in rows if r.existing_id is not None})
    leads: dict[int, Lead] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        leads.update((lead.id, lead) for lead in session.scalars(sa.select(Lead).where(Lead.id.in_(chunk))))
    names: dict[Any, dict[int, str]] = {
        kind: {item_id: name for name, item_id in lookups.ref.get(kind, {}).items()}
        for kind in (RefKind.SOURCE, RefKind.INDUSTRY)
    }
    names["departments"] = lookups.departments.names
    for row in rows:
        lead = leads.get(row.existing_id)  # type: ignore[arg-type]
        if lead is None:
            continue
        money_change(row, "intended_investment", "意向投资额（万元）", lead.intended_investment)
        for field, label, shown_as in FIELDS:
            after, before = row.data.get(field), getattr(lead, field)
            if after in (None, "") or after == before:
                continue
            table = names.get(shown_as) if shown_as is not None else None
            row.changes.append(Change(label, shown(before, table), shown(after, table)))
            row.updates[field] = after
        if not row.changes:
            row.action = "unchanged"
