"""The targets entry grid: one input per (department or district, metric)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from app.forms import BaseForm
from app.models import TargetMetric
from app.reports.targets import TargetError, parse_value


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
