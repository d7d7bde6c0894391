"""The targets entry grid: one input per (department or district, metric)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.db import db
from app.forms import BaseForm
from app.models import Department, TargetMetric
from app.reports.targets import TargetError, parse_value, targets_for


class TargetsForm(BaseForm):
    """CSRF only; the grid's inputs are named by `cell_name` and parsed by
    `parse_grid`, because their number depends on the departments."""

    @staticmethod
    def cell_name(department_id: int | None, metric: TargetMetric) -> str:
        return f"t_{department_id if department_id is not None else 'district'}_{metric.value}"

    def parse_grid(
        self, data: Mapping[str, str], department_ids: list[int | None]
    ) -> tuple[dict[tuple[int | None, TargetMetric], Decimal | None], dict[str, str], dict[str, str]]:
        """(values, errors by cell name, raw input by cell name). Only cells
        present in the posted form are changed."""
        values: dict[tuple[int | None, TargetMetric], Decimal | None] = {}
        errors: dict[str, str] = {}
        raw: dict[str, str] = {}
        for dept_id in department_ids:
            for metric in TargetMetric:
                name = self.cell_name(dept_id, metric)
                if name not in data:
                    continue
                raw[name] = data[name][:40]
                try:
                    values[(dept_id, metric)] = parse_value(data[name], metric)
                except TargetError as exc:
                    errors[name] = str(exc)
        return values, errors, raw


def entry_grid(year: int) -> dict[str, Any]:
    """What the entry page shows for `year`: a row for the district then one
    per active department, a column per metric, and the stored values."""
    departments = db.session.scalars(
        sa.select(Department).where(Department.active.is_(True)).order_by(Department.sort_order, Department.id)
    ).all()
    current = {
        TargetsForm.cell_name(dept_id, metric): _plain_number(value)
        for (dept_id, metric), value in targets_for(year).items()
    }
    return {
        "department_ids": [None, *[d.id for d in departments]],
        "rows": [(None, _("全区")), *[(d.id, d.name) for d in departments]],
        "metrics": list(TargetMetric),
        "current": current,
        "cell_name": TargetsForm.cell_name,
    }


def _plain_number(value: Any) -> str:
    """12000.0000 → 12000, 1.5000 → 1.5 for the entry grid."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
