"""Template helpers: money in 万元/亿元, dates, enum labels, the main menu
(who sees an item is decided by app.permissions) and a query-string helper for filters and pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from app import audit, clock
from app.models import User
from app.permissions import can_administer_system, can_import_ledgers

TEN_THOUSAND = Decimal(10000)


def _everyone(_user: User) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: Any
    shown_to: Callable[[User], bool]


# The main menu, in order; who sees an item is decided by app.permissions.
NAV_ITEMS: list[NavItem] = [
    NavItem("main.index", _l("工作台"), _everyone),
    NavItem("leads.index", _l("招商线索"), _everyone),
    NavItem("activities.index", _l("招商活动"), _everyone),
    NavItem("companies.index", _l("企业库"), _everyone),
    NavItem("projects.index", _l("项目库"), _everyone),
    NavItem("chains.index", _l("产业链"), _everyone),
    NavItem("delivery.index", _l("投资月报"), _everyone),
    NavItem("approvals.index", _l("联审联批"), _everyone),
    NavItem("problems.index", _l("问题台账"), _everyone),
    NavItem("inspections.index", _l("督查督办"), _everyone),
    NavItem("agreements.index", _l("签约履约"), _everyone),
    NavItem("reviews.index", _l("观摩评比"), _everyone),
    NavItem("reports.index", _l("统计报表"), _everyone),
    NavItem("imports.index", _l("数据导入"), can_import_ledgers),
    NavItem("admin.index", _l("系统管理"), can_administer_system),
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
    return clock.local(value)


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
    """The menu for the signed-in user: (href, text, active) per item."""
    if not current_user.is_authenticated:
        return []
    section = (request.endpoint or "").split(".")[0]
    return [
        (url_for(item.endpoint), item.text, bool(request.endpoint) and section == item.endpoint.split(".")[0])
        for item in NAV_ITEMS
        if item.shown_to(current_user)
    ]


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
    view_args = request.view_args or {}
    # A query argument named like a path argument of the endpoint
    # (?department_id=abc on /admin/departments/new) never becomes the path.
    path_args = {name for rule in current_app.url_map.iter_rules(request.endpoint) for name in rule.arguments}
    query = {key: value for key, value in args.items() if key not in path_args}
    return url_for(request.endpoint, **view_args, **query)


def options(members: Any) -> list[tuple[Any, str]]:
    """Enum members as a select's (value, text) pairs."""
    return [(m.value, m.label) for m in members]


def option_tags(options: Any, selected: Any = None) -> Markup:
    """A select's `<option>`s, the chosen ones `selected` — as the filter
    macro printed them with a macro call per option, which was a fifth of a
    report page with 200 departments and every leader to choose from.
    `selected`: a value, an enum member, or a list of them."""
    if selected is None:
        chosen: set[str] = set()
    elif isinstance(selected, str) or not isinstance(selected, Iterable):
        chosen = {str(getattr(selected, "value", selected))}
    else:
        chosen = {str(getattr(s, "value", s)) for s in selected}
    tags = []
    for value, text in options:
        mark = " selected" if str(value) in chosen else ""
        tags.append(f'\n    <option value="{escape(value)}"{mark}>{escape(text)}</option>')
    return Markup("".join(tags))  # noqa: S704 - value and text escaped above


def readable_audit(entries: Any) -> list[Any]:
    """The audit entries in words, for the signed-in reader (`app/audit_display.py`)."""
    from flask_login import current_user

    from app.audit_display import entries_for_display

    viewer = current_user if current_user.is_authenticated else None
    return entries_for_display(entries, viewer)


def register(app: Flask) -> None:
    app.add_template_filter(wan, "wan")
    app.add_template_filter(yi, "yi")
    app.add_template_filter(fmt_date, "date")
    app.add_template_filter(label, "label")
    app.add_template_filter(options, "options")
    app.add_template_filter(option_tags, "option_tags")
    app.add_template_global(nav_items)
    app.add_template_global(url_with)
    app.add_template_global(get_locale)
    app.add_template_global(audit.history, "record_history")
    app.add_template_global(readable_audit)
    app.add_template_global(audit.ENTITY_LABELS, "ENTITY_LABELS")
    app.add_template_global(audit.ACTION_LABELS, "ACTION_LABELS")
    app.add_template_global(lambda: clock.today(), "today")
