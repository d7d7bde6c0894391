"""Shared presentation of report numbers: 亿元 (one decimal, half-up, after
summing), percentages with "—" for a zero denominator, drill-down links and
the .xlsx export with its caption row. The page and the workbook both take
their numbers from the report functions through these helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Response, g, url_for

from app import xlsx
from app.reports.filters import ReportQuery
from app.reports.measures import Cell, build

DASH = "—"
TEN_THOUSAND = Decimal(10000)

Sheet = tuple[str, Sequence[str], Sequence[Sequence[Any]]]


def yi_number(amount: Decimal | None) -> Decimal | None:
    """万元 → 亿元, one decimal, half-up: the number the page shows."""
    if amount is None:
        return None
    return (Decimal(amount) / TEN_THOUSAND).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pct(value: Decimal | None) -> Decimal | str:
    return DASH if value is None else value


def pct_text(value: Decimal | None) -> str:
    return DASH if value is None else f"{value}%"


def sheet_title_safe(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    for ch in "[]:*?/\\":
        title = title.replace(ch, "、")
    return title[:31]


_LISTED_BY_KEY: dict[str, str] = {}
URL_SAFE = "!$'()*,/:;?@"  # what url_for leaves unescaped in a query string


def drill_url(query: ReportQuery, c: Cell | None) -> str | None:
    """The drill-down page of one number (None for numbers without one)."""
    if c is None or c.drill is None:
        return None
    entity = _LISTED_BY_KEY.get(c.measure)  # type: ignore[arg-type]
    if entity is None:  # what a measure lists does not depend on the query
        entity = _LISTED_BY_KEY[c.measure] = ENTITY_OF_LISTED[build(c.measure, query).listed.__name__]  # type: ignore[index,arg-type]
    # A report by 200 departments has thousands of numbers: build the path
    # and the query's arguments once per page, not one url_for per number.
    cache = g.setdefault("_drill_urls", {})
    base = cache.get(entity)
    if base is None:
        base = cache[entity] = url_for("reports.drill", entity=entity)
    known = cache.get("query")
    if known is None or known[0] is not query:
        known = cache["query"] = (query, urlencode(query.args(), safe=URL_SAFE))
    return f"{base}?{known[1]}&{urlencode(c.drill, safe=URL_SAFE)}"


def export(filename: str, title: str, query: ReportQuery, sheets: list[Sheet]) -> Response:
    """One workbook, a sheet per part, each with the caption row stating the
    report, its filters and when it was generated."""
    workbook = xlsx.new_workbook()
    caption = xlsx.export_caption(title, query.caption_filters())
    for sheet_title, headers, rows in sheets:
        rows_out = ([DASH if v is None else v for v in row] for row in rows)
        xlsx.add_sheet(workbook, sheet_title_safe(sheet_title), headers, rows_out, caption=caption)
    stamp = dt.date.today().strftime("%Y%m%d")
    return xlsx.workbook_response(workbook, f"{filename}-{stamp}.xlsx")


# model name of a measure's listed records → drill-down URL segment
ENTITY_OF_LISTED = {
    "Lead": "leads",
    "Project": "projects",
    "Visit": "visits",
    "Company": "companies",
    "Problem": "problems",
}

__all__ = ["DASH", "drill_url", "export", "pct", "pct_text", "sheet_title_safe", "yi_number"]
