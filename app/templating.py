"""Template helpers: money in 万元/亿元, dates, enum labels, the navigation
per role and a query-string helper for filters and pagination."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request, url_for
from flask_babel import get_locale, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import audit
from app.models import Role

TEN_THOUSAND = Decimal(10000)

# (endpoint, label, roles that see it); items whose endpoint does not exist
# yet are hidden, so features appear in the menu as they land.
NAV_ITEMS: list[tuple[str, Any, frozenset[Role]]] = [
    ("main.index", _l("工作台"), frozenset(Role)),
    ("leads.index", _l("招商线索"), frozenset({Role.ADMIN, Role.STAFF, Role.LEADER, Role.VIEWER})),
    ("companies.index", _l("企业库"), frozenset({Role.ADMIN, Role.STAFF, Role.LEADER, Role.VIEWER})),
    ("projects.index", _l("项目库"), frozenset(Role)),
    ("problems.index", _l("问题台账"), frozenset(Role)),
    ("agreements.index", _l("签约履约"), frozenset(Role)),
    ("reports.index", _l("统计报表"), frozenset(Role)),
    ("imports.index", _l("数据导入"), frozenset({Role.ADMIN, Role.STAFF})),
    ("admin.index", _l("系统管理"), frozenset({Role.ADMIN})),
]


def wan(value: Any, places: int = 2) -> str:
    """A 万元 amount for display, thousands separated; '—' when missing."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def yi(value: Any) -> str:
    """万元 → 亿元 with one decimal, rounded half-up (after summing)."""
    if value is None:
        return "—"
    return f"{(Decimal(value) / TEN_THOUSAND).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}"


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored naive-UTC datetime in the configured local timezone."""
    return to_user_timezone(value.replace(tzinfo=dt.UTC))


def fmt_date(value: Any) -> str:
    """Dates as YYYY-MM-DD; datetimes (stored in UTC) in local time."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def label(value: Any) -> str:
    """The Chinese label of an enum member (or '—')."""
    if value is None:
        return "—"
    return getattr(value, "label", str(value))


def nav_items() -> list[tuple[str, Any, bool]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, text, roles in NAV_ITEMS:
        if current_user.role in roles:
            active = request.endpoint is not None and request.endpoint.split(".")[0] == endpoint.split(".")[0]
            items.append((url_for(endpoint), text, active))
    return items


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (None removes)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    if request.endpoint is None:  # error pages for unknown URLs
        return request.path + ("?" + urlencode(args, doseq=True) if args else "")
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    app.add_template_filter(wan, "wan")
    app.add_template_filter(yi, "yi")
    app.add_template_filter(fmt_date, "date")
    app.add_template_filter(label, "label")
    app.add_template_global(nav_items)
    app.add_template_global(url_with)
    app.add_template_global(get_locale)
    app.add_template_global(audit.history, "record_history")
    app.add_template_global(audit.ENTITY_LABELS, "ENTITY_LABELS")
    app.add_template_global(audit.ACTION_LABELS, "ACTION_LABELS")
    app.add_template_global(lambda: dt.date.today(), "today")
