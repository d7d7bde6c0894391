"""The lead list's query: filters from the query string (the same for the
page, the .xlsx export and the links reports make), always within the
viewer's data scope, with the clocks as columns — one COUNT and one page
query whatever the page size.

Query parameters: status (repeatable or comma-separated; `open` = new,
contacted and negotiating), department_id, owner_id (`me` for oneself),
industry_id, source_id, tier_id (the company's tier), chain_id (产业链),
received_from,
received_to (YYYY-MM-DD), reached (contacted / negotiating / converted:
reached that step, shelved later or not) with reached_from / reached_to,
no_visit_days, overdue=1, stale=1, conflict=1, q (title, company name,
its pinyin or initials, credit code), sort (received, -received,
last_visit, -last_visit, amount, -amount, status_age, -status_age), page,
per_page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, contains_eager, joinedload
from werkzeug.datastructures import MultiDict

from app.db import db
from app.leads.clocks import overdue_condition, overdue_expr, stale_condition, stale_expr
from app.models import Company, Lead, LeadStatus, User, company_tier
from app.pagination import Page, paginate_keys
from app.params import parse_id
from app.permissions import lead_filter
from app.search import keyword_condition

SORTS = {
    "received": (Lead.received_on.asc(), Lead.id.asc()),
    "-received": (Lead.received_on.desc(), Lead.id.desc()),
    "last_visit": (sa.nulls_first(Lead.last_visit_on.asc()), Lead.id.asc()),
    "-last_visit": (sa.nulls_last(Lead.last_visit_on.desc()), Lead.id.desc()),
    "amount": (sa.nulls_first(Lead.intended_investment.asc()), Lead.id.asc()),
    "-amount": (sa.nulls_last(Lead.intended_investment.desc()), Lead.id.desc()),
    "status_age": (Lead.status_changed_at.desc(), Lead.id.desc()),
    "-status_age": (Lead.status_changed_at.asc(), Lead.id.asc()),
}
DEFAULT_SORT = "-received"
REACHED_COLUMNS = {
    "contacted": Lead.contacted_on,
    "negotiating": Lead.negotiating_on,
    "converted": Lead.converted_on,
}
OPEN = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING)
ID_PARAMS = ("department_id", "owner_id", "industry_id", "source_id", "tier_id", "chain_id")
FLAG_PARAMS = ("overdue", "stale", "conflict")


@dataclass
class LeadFilters:
    statuses: list[LeadStatus] = field(default_factory=list)
    department_id: int | None = None
    owner_id: int | None = None
    industry_id: int | None = None
    source_id: int | None = None
    tier_id: int | None = None
    chain_id: int | None = None  # 产业链 the lead is remembered on
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    reached: str | None = None
    reached_from: dt.date | None = None
    reached_to: dt.date | None = None
    no_visit_days: int | None = None
    overdue: bool = False
    stale: bool = False
    conflict: bool = False
    q: str = ""
    sort: str = DEFAULT_SORT
    # The ids of the leads the keyword matches, when `match_keyword` found
    # few enough to list (the list's count and page then read them instead of
    # searching twice).
    keyword_ids: list[int] | None = None

    @property
    def active(self) -> bool:
        return any(
            [self.statuses, self.q, self.overdue, self.stale, self.conflict, self.reached, self.no_visit_days]
            + [getattr(self, name) is not None for name in (*ID_PARAMS, "received_from", "received_to")]
        )

    @property
    def status_choice(self) -> str:
        """The status select's value: `open`, one status, or all."""
        if set(self.statuses) == set(OPEN) and len(self.statuses) == len(OPEN):
            return "open"
        return self.statuses[0].value if len(self.statuses) == 1 else ""


def _date(raw: str, label: str, errors: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(
            _("%(label)s「%(value)s」不是有效日期（格式：2026-01-31），已忽略。", label=label, value=raw[:20])
        )
        return None


def parse_filters(args: MultiDict[str, str], user: User) -> tuple[LeadFilters, list[str]]:
    """Filters from the query string and a Chinese message for each value
    that could not be used (the filter is then left out, never a 500)."""
    filters = LeadFilters()
    errors: list[str] = []
    labels = {
        "department_id": _("责任单位"),
        "owner_id": _("责任人"),
        "industry_id": _("产业类别"),
        "source_id": _("招商方式"),
        "tier_id": _("企业类型"),
        "chain_id": _("产业链"),
    }

    for raw in args.getlist("status"):
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if part == "open":
                filters.statuses.extend(s for s in OPEN if s not in filters.statuses)
                continue
            try:
                status = LeadStatus(part)
            except ValueError:
                errors.append(_("线索状态「%(value)s」无效，已忽略。", value=part[:20]))
                continue
            if status not in filters.statuses:
                filters.statuses.append(status)

    for name in ID_PARAMS:
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        if name == "owner_id" and raw == "me":
            filters.owner_id = user.id
            continue
        if (ident := parse_id(raw)) is not None:
            setattr(filters, name, ident)
        else:
            errors.append(_("%(label)s编号「%(value)s」无效，已忽略。", label=labels[name], value=raw[:20]))

    for name, label in (
        ("received_from", _("收到日期起")),
        ("received_to", _("收到日期止")),
        ("reached_from", _("到达日期起")),
        ("reached_to", _("到达日期止")),
    ):
        raw = (args.get(name) or "").strip()
        if raw:
            setattr(filters, name, _date(raw, label, errors))
    if filters.received_from and filters.received_to and filters.received_from > filters.received_to:
        errors.append(_("收到日期起不能晚于收到日期止，日期范围已忽略。"))
        filters.received_from = filters.received_to = None

    reached = (args.get("reached") or "").strip()
    if reached:
        if reached in REACHED_COLUMNS:
            filters.reached = reached
        else:
            errors.append(_("阶段「%(value)s」无效，已忽略。", value=reached[:20]))

    raw = (args.get("no_visit_days") or "").strip()
    if raw:
        if raw.isdecimal() and 1 <= int(raw) <= 3650:
            filters.no_visit_days = int(raw)
        else:
            errors.append(_("“未拜访天数”应为 1–3650 的整数，已忽略。"))

    for name in FLAG_PARAMS:
        setattr(filters, name, (args.get(name) or "").strip() in {"1", "true", "on", "yes"})

    filters.q = " ".join((args.get("q") or "").split())[:100]
    sort = (args.get("sort") or DEFAULT_SORT).strip()
    if sort in SORTS:
        filters.sort = sort
    else:
        errors.append(_("排序方式「%(value)s」无效，已按收到日期排序。", value=sort[:20]))
    return filters, errors


def lead_query(user: User, filters: LeadFilters, today: dt.date) -> sa.Select:
    """SELECT (Lead, overdue clock, stale) within the user's scope (every
    match: the export; the list pages by `lead_keys` and `lead_rows`)."""
    return _with_related(today).where(*lead_conditions(user, filters, today)).order_by(*SORTS[filters.sort])


def lead_keys(user: User, filters: LeadFilters, today: dt.date) -> sa.Select:
    """SELECT the ids of the leads `lead_query` lists, in its order, from the
    lead table alone (the list's deferred join: see `paginate_keys`)."""
    return sa.select(Lead.id).where(*lead_conditions(user, filters, today)).order_by(*SORTS[filters.sort])


def lead_rows(ids: sa.ScalarSelect[Any], sort: str, today: dt.date) -> sa.Select:
    """SELECT (Lead, overdue clock, stale) for the leads `ids`, in `sort` order."""
    return _with_related(today).where(Lead.id.in_(ids)).order_by(*SORTS[sort])


def _with_related(today: dt.date) -> sa.Select:
    return (
        sa.select(Lead, overdue_expr(today).label("overdue"), stale_expr(today).label("stale"))
        .join(Lead.company)
        .options(
            contains_eager(Lead.company).selectinload(Company.tiers),
            joinedload(Lead.owner_department),
            joinedload(Lead.owner_user),
            joinedload(Lead.source),
            joinedload(Lead.industry),
        )
    )


def lead_count(user: User, filters: LeadFilters, today: dt.date) -> sa.Select:
    """SELECT the number of leads `lead_query` lists, over the lead table
    alone (no joins: at 100,000 leads the company join alone costs more than
    counting)."""
    return sa.select(sa.func.count(Lead.id)).where(*lead_conditions(user, filters, today))


def lead_conditions(user: User, filters: LeadFilters, today: dt.date) -> list[sa.ColumnElement[bool]]:
    """The WHERE clause of the list: the user's scope and the filters, on
    lead columns only (company matches as sub-selects)."""
    conditions = [lead_filter(user), Lead.archived_at.is_(None)]
    if filters.statuses:
        conditions.append(Lead.status.in_(filters.statuses))
    if filters.department_id is not None:
        conditions.append(Lead.owner_department_id == filters.department_id)
    if filters.owner_id is not None:
        conditions.append(Lead.owner_user_id == filters.owner_id)
    if filters.industry_id is not None:
        conditions.append(Lead.industry_id == filters.industry_id)
    if filters.source_id is not None:
        conditions.append(Lead.source_id == filters.source_id)
    if filters.tier_id is not None:
        conditions.append(
            Lead.company_id.in_(sa.select(company_tier.c.company_id).where(company_tier.c.tier_id == filters.tier_id))
        )
    if filters.chain_id is not None:
        conditions.append(Lead.chain_id == filters.chain_id)
    if filters.received_from is not None:
        conditions.append(Lead.received_on >= filters.received_from)
    if filters.received_to is not None:
        conditions.append(Lead.received_on <= filters.received_to)
    if filters.reached:
        column = REACHED_COLUMNS[filters.reached]
        conditions.append(column.is_not(None))
        if filters.reached_from is not None:
            conditions.append(column >= filters.reached_from)
        if filters.reached_to is not None:
            conditions.append(column <= filters.reached_to)
    if filters.no_visit_days is not None:
        cutoff = today - dt.timedelta(days=filters.no_visit_days)
        conditions.append(sa.or_(Lead.last_visit_on.is_(None), Lead.last_visit_on < cutoff))
    if filters.overdue:
        conditions.append(overdue_condition(today))
    if filters.stale:
        conditions.append(stale_condition(today))
    if filters.conflict:
        conditions.append(Lead.has_conflict.is_(True))
    if filters.keyword_ids is not None:
        conditions.append(Lead.id.in_(filters.keyword_ids))
    elif filters.q:
        conditions.append(keyword_filter(filters.q))
    return conditions


# Past this many matches the keyword stays a sub-select in the list's queries.
KEYWORD_IDS_MAX = 2000


def lead_page(user: User, filters: LeadFilters, today: dt.date, page: int, per_page: int) -> Page:
    """One page of the list: ids picked on the lead table, then joined."""
    matched = match_keyword(user, filters, today)
    return paginate_keys(
        lead_keys(user, filters, today),
        lambda ids: lead_rows(ids, filters.sort, today),
        page,
        per_page,
        scalars=False,
        count=lead_count(user, filters, today) if matched is None else matched,
    )


def match_keyword(user: User, filters: LeadFilters, today: dt.date) -> int | None:
    """Search the keyword once: the ids of the leads the list shows (scope,
    filters and keyword), kept on `filters` when there are at most
    KEYWORD_IDS_MAX of them, and their number — the list's total, so neither
    a COUNT nor the page has to search again (on SQLite, which has no trigram
    index, each search reads every company name and lead title: 35 ms at
    100,000 leads). None, and nothing kept, without a keyword or with more
    matches. One query."""
    if not filters.q:
        return None
    ids = db.session.scalars(
        sa.select(Lead.id).where(*lead_conditions(user, filters, today)).limit(KEYWORD_IDS_MAX + 1)
    ).all()
    if len(ids) > KEYWORD_IDS_MAX:
        return None
    filters.keyword_ids = list(ids)
    return len(ids)


def keyword_filter(q: str) -> sa.ColumnElement[bool]:
    """Every term matches the company (name, pinyin, initials, credit code)
    or the lead's title. Each term is one set of lead ids — the leads of the
    matching companies UNION the leads whose title matches — so that both
    halves can use an index (PostgreSQL's trigram indexes); an OR of the two
    would read every lead."""
    conditions = []
    for term in q.split()[:5]:
        other = aliased(Lead)
        companies = sa.select(Company.id).where(keyword_condition(Company.search_text, term))
        by_company = sa.select(other.id).where(other.company_id.in_(companies))
        by_title = sa.select(other.id).where(keyword_condition(other.title, term, ignore_case=True))
        conditions.append(Lead.id.in_(sa.union(by_company, by_title)))
    return sa.and_(*conditions)


def describe(filters: LeadFilters, names: dict[str, dict[int, str]]) -> dict[str, Any]:
    """Human-readable filters for an export's caption."""
    shown: dict[str, Any] = {}
    if filters.statuses:
        shown[_("状态")] = "、".join(s.label for s in filters.statuses)
    for key, label in (
        ("department_id", _("责任单位")),
        ("owner_id", _("责任人")),
        ("industry_id", _("产业类别")),
        ("source_id", _("招商方式")),
        ("tier_id", _("企业类型")),
        ("chain_id", _("产业链")),
    ):
        value = getattr(filters, key)
        if value is not None:
            shown[label] = names.get(key, {}).get(value, f"#{value}")
    if filters.received_from or filters.received_to:
        shown[_("收到日期")] = f"{filters.received_from or ''}～{filters.received_to or ''}"
    if filters.no_visit_days:
        shown[_("未拜访天数")] = f"≥{filters.no_visit_days}"
    if filters.overdue:
        shown[_("逾期")] = _("是")
    if filters.stale:
        shown[_("久未拜访")] = _("是")
    if filters.conflict:
        shown[_("撞单")] = _("是")
    if filters.q:
        shown[_("关键词")] = filters.q
    return shown
