"""Pagination of a SELECT: one COUNT and one page query, whatever the size;
and a home panel's first rows with their total in one query (`first_rows`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, request

from app.db import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, size: int = 2) -> list[int | None]:
        """Page numbers to show, None marking a gap (built from the few
        numbers shown, not by walking every page: 100,000 rows are 5,000 pages)."""
        last = self.pages
        numbers = sorted({1, last, *range(max(1, self.page - size), min(last, self.page + size) + 1)})
        shown: list[int | None] = []
        for number in numbers:
            if shown and number - (shown[-1] or 0) > 1:
                shown.append(None)
            shown.append(number)
        return shown


def page_args(default_per_page: int | None = None) -> tuple[int, int]:
    """(page, per_page) from the query string, clamped to sane values."""
    default = default_per_page or current_app.config["PER_PAGE"]
    maximum = current_app.config["MAX_PER_PAGE"]
    try:
        page = max(1, min(int(request.args.get("page", 1)), 100000))
    except ValueError:
        page = 1
    try:
        per_page = max(1, min(int(request.args.get("per_page", default)), maximum))
    except ValueError:
        per_page = default
    return page, per_page


def paginate(
    stmt: sa.Select, page: int, per_page: int, *, scalars: bool = True, count: sa.Select | None = None
) -> Page:
    """Run `stmt` for one page plus a COUNT over the same filters. `count`,
    when given, is a SELECT of that number without the joins the page query
    needs only for eager loading (a join over 100,000 rows costs more than
    the count itself)."""
    if count is None:
        count = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    total = db.session.scalar(count) or 0
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars().unique() if scalars else result.all())
    return Page(items=items, page=page, per_page=per_page, total=total)


def paginate_keys(
    keys: sa.Select,
    rows: Callable[[sa.ScalarSelect[Any]], sa.Select],
    page: int,
    per_page: int,
    *,
    count: sa.Select | int,
    scalars: bool = True,
) -> Page:
    """Pagination by a deferred join: `keys` SELECTs the primary key with the
    list's filters and order on the main table alone; the page's keys come
    from it as a sub-select, and `rows(those keys)` loads just those rows with
    their joins and eager loads. Joining company, department and owner to every
    match before sorting costs more than the page itself at 100,000 leads (and
    a deep page offset walks narrow index entries, not joined rows). `count`
    is the SELECT of the total, or the total when the caller knows it."""
    total = count if isinstance(count, int) else db.session.scalar(count) or 0
    page_keys = keys.limit(per_page).offset((page - 1) * per_page).scalar_subquery()
    result = db.session.execute(rows(page_keys))
    items = list(result.scalars().unique() if scalars else result.all())
    return Page(items=items, page=page, per_page=per_page, total=total)


def first_rows(stmt: sa.Select, limit: int, *, scalars: bool = True) -> tuple[list[Any], int]:
    """The first `limit` rows of `stmt` and how many rows it has in all, in one
    query: the total is a window count (`COUNT(*) OVER ()`, evaluated before
    the LIMIT) carried on every row. A home panel shows ten rows and "共 N
    条"; a COUNT beside each panel's rows would double the page's queries."""
    result = db.session.execute(stmt.add_columns(sa.func.count().over().label("first_rows_total")).limit(limit))
    rows = result.unique().all() if scalars else result.all()
    if not rows:
        return [], 0
    total = int(rows[0][-1])
    if scalars:
        return [row[0] for row in rows], total
    return [tuple(row[:-1]) for row in rows], total
