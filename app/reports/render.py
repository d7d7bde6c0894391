"""Shared presentation of report numbers: 亿元 (one decimal, half-up, after
summing), percentages with "—" for a zero denominator, drill-down links and
the .xlsx export with its caption row. The page and the workbook both take
their numbers from the report functions through these helpers."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote_plus

from flask import Response, g, url_for
from markupsafe import Markup, escape

from app import clock, templating, xlsx
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


@functools.lru_cache(maxsize=8192)
def _quoted(value: str) -> str:
    return quote_plus(value, safe=URL_SAFE)


def drill_url(query: ReportQuery, c: Cell | None) -> str | None:
    """The drill-down page of one number (None for numbers without one)."""
    if c is None or c.drill is None:
        return None
    entity = _LISTED_BY_KEY.get(c.measure)  # type: ignore[arg-type]
    if entity is None:  # what a measure lists does not depend on the query
        entity = _LISTED_BY_KEY[c.measure] = ENTITY_OF_LISTED[build(c.measure, query).listed.__name__]  # type: ignore[index,arg-type]
    # A report by 200 departments has thousands of numbers: the path and the
    # query's arguments are built once per page and entity, and each number
    # adds only its own arguments (the same quoting as urlencode, cached:
    # urlencode per number was a third of the 四库 page at city scale).
    cache = g.setdefault("_drill_urls", {})
    known = cache.get((entity, id(query)))
    if known is None or known[0] is not query:
        args = "&".join(f"{_quoted(k)}={_quoted(str(v))}" for k, v in query.args().items())
        known = cache[(entity, id(query))] = (query, f"{url_for('reports.drill', entity=entity)}?{args}")
    prefix = known[1]
    own = "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in c.drill.items())
    return f"{prefix}&{own}"


# A report's numbers, each a link to the records behind it. Python, not Jinja
# macros: the 四库 report by 200 departments prints thousands of them, and a
# macro call per number was most of the page's time.


def _href(url: str) -> str:
    # Drill URLs are built from percent-quoted parts: `<`, `>` and `"` never
    # occur in them, so `&` is all an attribute needs escaped.
    return url.replace("&", "&amp;")


def _link(css: str, url: str | None, linked: bool, text: str) -> Markup:
    # Markup.format escapes argument by argument and cost more than the whole
    # report query; every part here is an attribute-safe URL (_href) or a
    # number the code formatted, so the markup is assembled directly.
    if url and linked:
        return Markup(f'<a class="num {css}" href="{_href(url)}">{text}</a>')  # noqa: S704 - parts above
    return Markup(f'<span class="num">{text}</span>')  # noqa: S704 - a formatted number


def number(report: Any, c: Cell) -> Markup:
    """A count linking to its records (plain when zero or not drillable)."""
    return _link("cnt", drill_url(report.query, c), bool(c.count), str(int(c.count)))


def amount_yi(report: Any, c: Cell) -> Markup:
    """An amount (万元 in the data) in 亿元, linking to the same records."""
    if c.amount is None:
        return escape(DASH)
    return _link("amt", drill_url(report.query, c), bool(c.count), templating.yi(c.amount))


def amount_wan(report: Any, c: Cell, value: Any) -> Markup:
    """An amount in 万元 (targets are set in 万元), linking to the records."""
    return _link("wan", drill_url(report.query, c), bool(c.count), templating.wan(value))


def days(report: Any, c: Cell, value: Decimal | None) -> Markup:
    """An average in days, linking to the records it is taken over."""
    if value is None:
        return escape(DASH)
    return _link("avg", drill_url(report.query, c), bool(c.count), str(value))


def export(filename: str, title: str, query: ReportQuery, sheets: list[Sheet]) -> Response:
    """One workbook, a sheet per part, each with the caption row stating the
    report, its filters and when it was generated."""
    workbook = xlsx.new_workbook()
    caption = xlsx.export_caption(title, query.caption_filters())
    for sheet_title, headers, rows in sheets:
        rows_out = ([DASH if v is None else v for v in row] for row in rows)
        xlsx.add_sheet(workbook, sheet_title_safe(sheet_title), headers, rows_out, caption=caption)
    stamp = clock.today().strftime("%Y%m%d")
    return xlsx.workbook_response(workbook, f"{filename}-{stamp}.xlsx")


# model name of a measure's listed records → drill-down URL segment
ENTITY_OF_LISTED = {
    "Lead": "leads",
    "Project": "projects",
    "Visit": "visits",
    "Company": "companies",
    "Problem": "problems",
    "ApprovalItem": "approvals",
    "Activity": "activities",
}

__all__ = [
    "DASH",
    "amount_wan",
    "amount_yi",
    "days",
    "drill_url",
    "export",
    "number",
    "pct",
    "pct_text",
    "sheet_title_safe",
    "yi_number",
]
