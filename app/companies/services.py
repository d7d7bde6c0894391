"""Company rules: creating and editing the one record per company (credit
code checked and unique, normalized name and search text maintained), the
duplicate finder (credit code → normalized name → fuzzy match on what
remains) and who follows a company (首报 holder first), which is all a
staff member is told about another department's work on it."""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.companies import credit_code as cc
from app.companies.names import (
    FUZZY_THRESHOLD,
    NameKey,
    lookalike_note,
    normalize_company_name,
    search_bigrams,
    similarity,
)
from app.concurrency import check_version
from app.db import db
from app.models import Company, Department, Lead, RefItem, RefKind, User, company_tier
from app.refusals import Refusal
from app.search import search_text

COMPANY_FIELDS = ("name", "credit_code", "hq_region", "industry_id", "notes")
NAME_MAX = 200


class CompanyError(Refusal):
    """A refused company change; `field` names the form field it concerns."""


# --- the record ----------------------------------------------------------------


def clean_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise CompanyError(_("请填写企业名称。"), "name")
    if len(text) > NAME_MAX:
        raise CompanyError(_("企业名称不能超过 %(n)d 个字符。", n=NAME_MAX), "name")
    if not normalize_company_name(text):
        raise CompanyError(_("企业名称无效，请填写完整的企业名称。"), "name")
    return text


def clean_credit_code(raw: str | None, *, exclude_id: int | None = None) -> str | None:
    """The cleaned code, or None when blank; refused when invalid or taken."""
    code = cc.clean(raw)
    if not code:
        return None
    problem = cc.problem(code)
    if problem:
        raise CompanyError(problem, "credit_code")
    stmt = sa.select(Company.id).where(Company.credit_code == code)
    if exclude_id is not None:
        stmt = stmt.where(Company.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise CompanyError(_("该统一社会信用代码已登记在企业库中的另一家企业。"), "credit_code")
    return code


def name_columns(name: str, credit_code: str | None) -> dict[str, str]:
    """The columns kept in step with the name: `normalized_name`, `search_text`."""
    return {"normalized_name": normalize_company_name(name), "search_text": search_text(name, credit_code)}


def refresh_names(company: Company) -> None:
    """Keep `normalized_name` and `search_text` in step with the name."""
    for column, value in name_columns(company.name, company.credit_code).items():
        setattr(company, column, value)


def checked_tiers(tier_ids: Iterable[int] | None) -> list[RefItem]:
    """The tiers `tier_ids` names, in their display order (refused when one is not a tier)."""
    ids = sorted({int(i) for i in tier_ids or []})
    tiers = (
        db.session.scalars(sa.select(RefItem).where(RefItem.id.in_(ids), RefItem.kind == RefKind.TIER)).all()
        if ids
        else []
    )
    if len(tiers) != len(ids):
        raise CompanyError(_("所选企业类型不存在，请重新选择。"), "tier_ids")
    return sorted(tiers, key=lambda t: (t.sort_order, t.id))


def set_tiers(company: Company, tier_ids: Iterable[int] | None) -> None:
    company.tiers = checked_tiers(tier_ids)


def _check_industry(industry_id: int | None) -> None:
    if industry_id is None:
        return
    item = db.session.get(RefItem, industry_id)
    if item is None or item.kind is not RefKind.INDUSTRY:
        raise CompanyError(_("所选产业类别不存在，请重新选择。"), "industry_id")


def create_company(data: dict[str, Any], actor: User) -> Company:
    """A new company; `data` may carry name, credit_code, hq_region,
    industry_id, notes and tier_ids."""
    company = build_company(data, actor)
    db.session.flush()
    audit_created(company, actor)
    return company


def build_company(data: dict[str, Any], actor: User) -> Company:
    """The new company of `data`, checked and added to the session but not
    flushed: `create_company` without its flush and audit entry."""
    draft = draft_company(data, actor)
    company = Company(**draft.values)
    if "tier_ids" in data:
        company.tiers = draft.tiers
    db.session.add(company)
    return company


@dataclass
class CompanyDraft:
    """A new company's checked column values and tiers, not yet written:
    `build_company` makes the ORM object of it; a ledger import inserts
    thousands at once (`insert_drafts`)."""

    values: dict[str, Any]
    tiers: list[RefItem]


def draft_company(data: dict[str, Any], actor: User) -> CompanyDraft:
    """`data` checked as for `create_company`: the columns it writes (the
    name columns by `name_columns`, as `refresh_names` keeps them) and the tiers."""
    name = clean_name(data.get("name"))
    code = clean_credit_code(data.get("credit_code"))
    _check_industry(data.get("industry_id"))
    values = {
        "name": name,
        **name_columns(name, code),
        "credit_code": code,
        "hq_region": (data.get("hq_region") or "").strip()[:100] or None,
        "industry_id": data.get("industry_id"),
        "notes": (data.get("notes") or "").strip() or None,
        "created_by_id": actor.id,
    }
    return CompanyDraft(values, checked_tiers(data.get("tier_ids")) if "tier_ids" in data else [])


def insert_drafts(drafts: list[CompanyDraft]) -> None:
    """Write drafts whose `values` carry their reserved `id` (and any other
    column the caller set, e.g. 首报) in one executemany per table, in the
    caller's transaction: no ORM object per row (a ledger import creates
    thousands). The caller audits them (`draft_audit_row`)."""
    if not drafts:
        return
    # The timestamps and the version: the columns' defaults, as for the ORM.
    db.session.execute(sa.insert(Company.__table__), [d.values for d in drafts])
    tiers = [{"company_id": d.values["id"], "tier_id": t.id} for d in drafts for t in d.tiers]
    if tiers:
        db.session.execute(sa.insert(company_tier), tiers)


def audit_created(company: Company, actor: User) -> None:
    """The audit entry of a new, flushed company."""
    audit.record_row(created_audit_row(company, actor))


def created_audit_row(company: Company, actor: User) -> dict[str, Any]:
    """`audit_created`'s row."""
    return _created_row(company.id, audit.snapshot(company, COMPANY_FIELDS), company.tiers, actor)


def draft_audit_row(draft: CompanyDraft, actor: User) -> dict[str, Any]:
    """The same row for a company written by `insert_drafts`, for `audit.record_many`."""
    values = draft.values
    return _created_row(values["id"], {name: audit.plain(values[name]) for name in COMPANY_FIELDS}, draft.tiers, actor)


def _created_row(company_id: int, snapshot: dict[str, Any], tiers: list[RefItem], actor: User) -> dict[str, Any]:
    return audit.row(
        "create",
        "company",
        company_id,
        changes={**snapshot, "tiers": [t.id for t in tiers]},
        summary=snapshot["name"],
        user_id=actor.id,
    )


def update_company(company: Company, data: dict[str, Any], actor: User, *, version: Any) -> Company:
    """Save an edit made on version `version` of the company (StaleEdit when
    someone changed it in between)."""
    check_version(company, "company", version)
    before = {**audit.snapshot(company, COMPANY_FIELDS), "tiers": [t.id for t in company.tiers]}
    if "name" in data:
        company.name = clean_name(data.get("name"))
    if "credit_code" in data:
        company.credit_code = clean_credit_code(data.get("credit_code"), exclude_id=company.id)
    if "industry_id" in data:
        _check_industry(data.get("industry_id"))
        company.industry_id = data.get("industry_id")
    if "hq_region" in data:
        company.hq_region = (data.get("hq_region") or "").strip()[:100] or None
    if "notes" in data:
        company.notes = (data.get("notes") or "").strip() or None
    if "tier_ids" in data:
        set_tiers(company, data.get("tier_ids"))
    refresh_names(company)
    after = {**audit.snapshot(company, COMPANY_FIELDS), "tiers": [t.id for t in company.tiers]}
    changes = audit.diff(before, after)
    if changes:
        audit.record("update", "company", company.id, changes=changes, summary=company.name, user_id=actor.id)
    return company


def live(company: Company | None) -> Company | None:
    """Follow merges to the surviving record."""
    seen = set()
    while company is not None and company.merged_into_id is not None and company.id not in seen:
        seen.add(company.id)
        company = db.session.get(Company, company.merged_into_id)
    return company


# --- the duplicate finder -------------------------------------------------------


@dataclass(frozen=True)
class Match:
    company: Company
    reason: str  # 'credit_code' | 'name' | 'fuzzy'
    score: int
    identical: bool = False  # the very name typed (spacing and full-width aside)
    note: str = ""  # how an alike name differs: the legal form, 集团

    @property
    def reason_label(self) -> str:
        if self.reason == "credit_code":
            return _("统一社会信用代码相同")
        if self.identical:
            return _("名称相同")
        if self.reason == "name":
            return _("名称相近：仅地区、括号、空格或标点不同")
        if self.note:
            return _("名称相近：%(note)s", note=self.note)
        return _("名称相近：相似度 %(s)d%%", s=self.score)


def same_text(a: str, b: str) -> bool:
    """The same name as written, full-width forms and spacing aside."""
    return _written(a) == _written(b)


def _written(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _live_companies() -> sa.ColumnElement[bool]:
    return sa.and_(Company.merged_into_id.is_(None), Company.archived_at.is_(None))


def find_matches(
    name: str | None, credit_code: str | None = None, *, exclude_id: int | None = None, limit: int = 5
) -> list[Match]:
    """Companies that may be the one named: by credit code, by normalized
    name, then by a close fuzzy match on what remains (best first). The SQL
    prefilter keeps this to one indexed lookup and one narrow scan."""
    matches: dict[int, Match] = {}
    name = (name or "").replace("\x00", "")  # typed-ahead text: PostgreSQL refuses NUL
    code = cc.clean(credit_code)
    if code and cc.problem(code) is None:
        stmt = sa.select(Company).where(Company.credit_code == code, _live_companies())
        if exclude_id is not None:
            stmt = stmt.where(Company.id != exclude_id)
        for company in db.session.scalars(stmt):
            matches[company.id] = Match(company, "credit_code", 100)
    key = NameKey.of(name or "")
    if key.normalized:
        # Columns, not companies: the scan reads up to 400 candidates and
        # only the few that match are loaded as records below.
        grams = search_bigrams(key.core)
        stmt = (
            sa.select(Company.id, Company.name, Company.normalized_name, Company.credit_code)
            .where(
                _live_companies(),
                sa.or_(
                    Company.normalized_name == key.normalized,
                    *(Company.normalized_name.like(f"%{_escape(g)}%", escape="\\") for g in grams),
                ),
            )
            .order_by(sa.func.length(Company.normalized_name), Company.id)
            .limit(400)
        )
        if exclude_id is not None:
            stmt = stmt.where(Company.id != exclude_id)
        valid_code = code if code and cc.problem(code) is None else None
        found: dict[int, tuple[str, int, bool, str]] = {}
        for ident, company_name, normalized, company_code in db.session.execute(stmt):
            if ident in matches:
                continue
            if valid_code and company_code and company_code != valid_code:
                continue  # two different registered entities
            if normalized == key.normalized:
                found[ident] = ("name", 100, same_text(name, company_name), "")
                continue
            other = _name_key(company_name, normalized)
            score = similarity(key, other)
            if score >= FUZZY_THRESHOLD:
                found[ident] = ("fuzzy", score, False, lookalike_note(key, other))
        order = {"name": 1, "fuzzy": 2}
        best = sorted(found.items(), key=lambda item: (order[item[1][0]], -item[1][1], item[0]))[:limit]
        if best:
            wanted = sa.select(Company).where(Company.id.in_([ident for ident, _found in best]))
            records = {company.id: company for company in db.session.scalars(wanted)}
            for ident, (reason, score, identical, note) in best:
                matches[ident] = Match(records[ident], reason, score, identical=identical, note=note)
    order = {"credit_code": 0, "name": 1, "fuzzy": 2}
    return sorted(matches.values(), key=lambda m: (order[m.reason], -m.score, m.company.id))[:limit]


def has_identical(name: str | None) -> bool:
    """Whether a live company bears this very name (spacing and full-width
    forms aside): one indexed lookup, the cheap question before the full
    look-alike search. It does not flush: an import asks it for every new
    company while its rows wait to be inserted in batches (the import
    itself keeps the names its earlier rows created)."""
    name = (name or "").replace("\x00", "")
    key = normalize_company_name(name)
    if not key:
        return False
    with db.session.no_autoflush:
        names = db.session.scalars(sa.select(Company.name).where(Company.normalized_name == key, _live_companies()))
        return any(same_text(name, other) for other in names)


@functools.lru_cache(maxsize=65536)
def _name_key(name: str, normalized: str) -> NameKey:
    """A company's NameKey, kept: an import compares every row with the same
    few hundred names on file."""
    return NameKey.of(name, normalized)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- who follows a company ------------------------------------------------------


@dataclass(frozen=True)
class Follower:
    """A department following a company — all a staff member learns about
    another department's work on it."""

    department_id: int
    department_name: str
    since: dt.date | None
    holder: bool


def followers(company_ids: Iterable[int]) -> dict[int, list[Follower]]:
    """For each company, the departments with (non-archived) leads on it and
    the 首报 holder, holder first, then by date. Two queries in all."""
    ids = sorted(set(company_ids))
    result: dict[int, list[Follower]] = {i: [] for i in ids}
    if not ids:
        return result
    holders = {
        row.id: row
        for row in db.session.execute(
            sa.select(Company.id, Company.first_department_id, Company.first_reported_on, Department.name)
            .outerjoin(Department, Department.id == Company.first_department_id)
            .where(Company.id.in_(ids))
        )
    }
    rows = db.session.execute(
        sa.select(Lead.company_id, Department.id, Department.name, sa.func.min(Lead.received_on))
        .join(Department, Department.id == Lead.owner_department_id)
        .where(Lead.company_id.in_(ids), Lead.archived_at.is_(None))
        .group_by(Lead.company_id, Department.id, Department.name)
    ).all()
    by_company: dict[int, list[Follower]] = {}
    for cid, dept_id, dept_name, since in rows:
        by_company.setdefault(cid, []).append(Follower(dept_id, dept_name, since, False))
    for company_id in ids:
        holder = holders.get(company_id)
        holder_id = holder.first_department_id if holder else None
        if holder_id is not None:
            result[company_id].append(Follower(holder_id, holder.name, holder.first_reported_on, True))
        others = sorted(
            by_company.get(company_id, ()),
            key=lambda f: (f.since or dt.date.max, f.department_name),
        )
        result[company_id].extend(f for f in others if f.department_id != holder_id)
    return result


def other_followers(company_id: int, department_id: int | None) -> list[Follower]:
    """Departments other than `department_id` that follow the company."""
    return [f for f in followers([company_id])[company_id] if f.department_id != department_id]
