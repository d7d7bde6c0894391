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


def _prefix(query: ReportQuery, measure: str, cache: dict | None = None) -> str:
    """The drill-down URL of `measure` up to its dimensions' arguments. A
    report by 200 departments has thousands of numbers: the path and the
    query's arguments are built once per page and measure, and each number
    adds only its dimensions (quoted as urlencode does, cached)."""
    if cache is None:
        cache = g.setdefault("_drill_prefixes", {})
    known = cache.get((id(query), measure))
    if known is None or known[0] is not query:
        entity = _LISTED_BY_KEY.get(measure)
        if entity is None:  # what a measure lists does not depend on the query
            entity = _LISTED_BY_KEY[measure] = ENTITY_OF_LISTED[build(measure, query).listed.__name__]
        args = "&".join(f"{_quoted(k)}={_quoted(str(v))}" for k, v in query.args().items())
        url = f"{url_for('reports.drill', entity=entity)}?{args}&m={_quoted(measure)}"
        known = cache[(id(query), measure)] = (query, url)
    return known[1]


@functools.lru_cache(maxsize=8192)
def _dims_args(dims: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"&{_quoted('g_' + name)}={_quoted(value)}" for name, value in dims)


def drill_url(query: ReportQuery, c: Cell | None) -> str | None:
    """The drill-down page of one number (None for numbers without one)."""
    return None if c is None else _url(query, c, None)


# A report's numbers, each a link to the records behind it. Python, not Jinja
# macros: the 四库 report by 200 departments prints thousands of them, and a
# macro call per number was most of the page's time.


def _href(url: str) -> str:
    # Drill URLs are built from percent-quoted parts: `<`, `>` and `"` never
    # occur in them, so `&` is all an attribute needs escaped.
    return url.replace("&", "&amp;")


def _tag(css: str, href: str | None, text: str) -> str:
    # Markup.format escapes argument by argument and cost more than the whole
    # report query; every part here is an attribute-safe URL (_href) or a
    # number the code formatted, so the markup is assembled directly.
    return f'<a class="num {css}" href="{href}">{text}</a>' if href else f'<span class="num">{text}</span>'


def _link(css: str, url: str | None, linked: bool, text: str) -> Markup:
    return Markup(_tag(css, _href(url) if url and linked else None, text))  # noqa: S704 - see _tag


def _url(query: ReportQuery, c: Cell, cache: dict | None) -> str | None:
    return None if c.measure is None else _prefix(query, c.measure, cache) + _dims_args(c.dims)


def number(report: Any, c: Cell) -> Markup:
    """A count linking to its records (plain when zero or not drillable)."""
    return _link("cnt", _url(report.query, c, None), bool(c.count), str(int(c.count)))


def amount_yi(report: Any, c: Cell) -> Markup:
    """An amount (万元 in the data) in 亿元, linking to the same records."""
    if c.amount is None:
        return escape(DASH)
    return _link("amt", _url(report.query, c, None), bool(c.count), templating.yi(c.amount))


def row_cells(report: Any, cells: Sequence[Cell], amounts: bool = False, css: str = "text-end") -> Markup:
    """A table row's numbers: per cell its count (and with `amounts` its
    亿元) in `<td class="{css}">`, each linking to its records — what
    `number` and `amount_yi` print, one call per row instead of per number."""
    td = f'<td class="{escape(css)}">'
    cache = g.setdefault("_drill_prefixes", {})
    parts = []
    for c in cells:
        url = _url(report.query, c, cache) if c.count else None
        href = _href(url) if url else None
        parts.append(f"{td}{_tag('cnt', href, str(int(c.count)))}</td>")
        if amounts:
            shown = DASH if c.amount is None else _tag("amt", href, templating.yi(c.amount))
            parts.append(f"{td}{shown}</td>")
    return Markup("".join(parts))  # noqa: S704 - escaped class, tags from _tag


def pct_cells(values: Sequence[Decimal | None], css: str = "text-end") -> Markup:
    """A row of percentages in `<td class="{css}">` ("—" for none), one call
    per row (the 目标考核 matrix: 200 departments × every indicator)."""
    td = f'<td class="{escape(css)}">'
    return Markup("".join(f"{td}{escape(pct_text(v))}</td>" for v in values))  # noqa: S704 - escaped parts


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
    "pct_cells",
    "pct_text",
    "row_cells",
    "sheet_title_safe",
    "yi_number",
]
